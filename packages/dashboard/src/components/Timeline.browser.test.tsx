import type { LevelName, LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { Timeline } from './Timeline.js';
import '../styles.css';
import { packRecords } from '../core/pack.js';

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

/** Drawn pixels of the canvas whose colour passes `match`. */
function pixels(canvas: HTMLCanvasElement, match: (r: number, g: number, b: number) => boolean): number {
  const data = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
    0,
    0,
    canvas.width,
    canvas.height,
  ).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    if ((data[i + 3] ?? 0) > 0 && match(data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0)) n++;
  }
  return n;
}

describe('Timeline', () => {
  it('draws records per second stacked by level, with error markers, and shows the span the list shows', async () => {
    const model = new SessionModel();
    const records: LogRecord[] = [];
    for (let s = 0; s < 60; s++) {
      for (let i = 0; i < 10; i++) {
        const level: LevelName = s === 30 && i === 0 ? 'error' : 'info';
        records.push({ seq: records.length + 1, ts: 1_000_000 + s * 1000 + i, level, msg: 'x' });
      }
    }
    model.append(packRecords(records));
    const view = new ViewModel(model);
    view.visible.value = [0, 100];
    const host = document.createElement('div');
    host.style.width = '600px';
    document.body.append(host);
    render(<Timeline view={view} />, host);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const canvas = host.querySelector('canvas') as HTMLCanvasElement;
    const blue = pixels(canvas, (r, _g, b) => b > 150 && r < 120);
    const red = pixels(canvas, (r, g, b) => r > 180 && g < 130 && b < 130);
    expect(blue).toBeGreaterThan(1000);
    // One error: a marker under its bucket, and a sliver of red in the bar.
    expect(red).toBeGreaterThan(0);
    expect(red).toBeLessThan(blue / 10);
    const shown = host.querySelector('[data-testid="timeline-shown"]') as HTMLElement;
    // The first 100 of 600 records span the first 10 of 60 seconds: about a sixth of the strip.
    expect(shown.getBoundingClientRect().width).toBeGreaterThan(80);
    expect(shown.getBoundingClientRect().width).toBeLessThan(110);
  });

  /** A job of three seconds: ten records every 100 ms, an error at 1.5 s. */
  function shortJob(): SessionModel {
    const model = new SessionModel();
    const start = new Date(2026, 0, 2, 14, 5, 0, 0).getTime();
    const records: LogRecord[] = [];
    for (let k = 0; k <= 30; k++) {
      for (let i = 0; i < 10; i++) {
        const level: LevelName = k === 15 && i === 0 ? 'error' : i < 2 ? 'warning' : 'info';
        records.push({ seq: records.length + 1, ts: start + k * 100, level, msg: `r${k}` });
      }
    }
    model.append(packRecords(records));
    return model;
  }

  function mountStrip(view: ViewModel): HTMLElement {
    const host = document.createElement('div');
    host.style.width = '600px';
    document.body.append(host);
    render(<Timeline view={view} />, host);
    return host;
  }

  it('fits its window to a short job, with a time axis and the scale of its bars', async () => {
    const view = new ViewModel(shortJob());
    const host = mountStrip(view);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const canvas = host.querySelector('canvas') as HTMLCanvasElement;
    // Bars from one end of the strip to the other: drawn in the first and the last tenth.
    const column = (x0: number, x1: number) => {
      const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
      const data = ctx.getImageData(
        Math.floor(x0 * canvas.width),
        0,
        Math.floor((x1 - x0) * canvas.width),
        canvas.height,
      ).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] ?? 0) > 0) n++;
      return n;
    };
    expect(column(0, 0.1)).toBeGreaterThan(100);
    expect(column(0.9, 1)).toBeGreaterThan(100);
    const ticks = [...host.querySelectorAll('.timeline-tick')].map((t) => t.textContent);
    // The last, at the right end, would be cut: it is left out.
    expect(ticks).toEqual(['14:05:00.0', '14:05:00.5', '14:05:01.0', '14:05:01.5', '14:05:02.0', '14:05:02.5']);
    expect(host.querySelector('[data-testid="timeline-scale"]')?.textContent).toMatch(/^10 per \d+ ms$/);
  });

  it('follows the filter and tells the counts per level under the pointer', async () => {
    const view = new ViewModel(shortJob());
    const host = mountStrip(view);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const canvas = host.querySelector('canvas') as HTMLCanvasElement;
    const box = canvas.getBoundingClientRect();
    canvas.dispatchEvent(
      new PointerEvent('pointermove', { clientX: box.left + box.width / 2, clientY: box.top + 10, bubbles: true }),
    );
    await expect
      .poll(() => host.querySelector('[data-testid="timeline-tip"]')?.textContent)
      .toMatch(/^14:05:01.500 – 14:05:01.51510 recordsINFO 8WARNING 1ERROR 1$/);
    const before = pixels(canvas, () => true);
    view.filter.value = { ...view.filter.value, levels: new Set<LevelName>(['error']) };
    await expect.poll(() => pixels(canvas, () => true)).toBeLessThan(before / 5);
    expect(host.querySelector('[data-testid="timeline-scale"]')?.textContent).toMatch(/^1 per /);
  });
});
