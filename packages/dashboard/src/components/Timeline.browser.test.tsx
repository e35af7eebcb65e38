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
});
