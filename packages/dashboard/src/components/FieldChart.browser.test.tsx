import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { AppModel } from '../model/app.js';
import { SessionModel } from '../model/session.js';
import { FieldChart } from './FieldChart.js';
import '../styles.css';

/** A training loop: a falling loss every step, tagged train, and an eval loss every tenth. */
function training(): SessionModel {
  const live = new SessionModel();
  const records: LogRecord[] = [];
  for (let step = 0; step < 400; step++) {
    records.push({
      seq: records.length + 1,
      ts: 1_000_000 + step * 100,
      level: 'info',
      msg: 'step',
      tag: 'train',
      fields: { step, loss: 2 / (step + 1) },
    });
    if (step % 10 === 0) {
      records.push({
        seq: records.length + 1,
        ts: 1_000_000 + step * 100 + 50,
        level: 'info',
        msg: 'eval',
        tag: 'eval',
        fields: { step, loss: 3 / (step + 1) },
      });
    }
  }
  live.append(packRecords(records));
  return live;
}

let app: AppModel | undefined;
let host: HTMLElement | undefined;
afterEach(() => {
  if (host) render(null, host);
  app?.close();
  document.body.innerHTML = '';
});

function mount(): { app: AppModel; host: HTMLElement } {
  app = new AppModel(training(), undefined, undefined);
  host = document.createElement('div');
  host.style.width = '900px';
  document.body.append(host);
  app.chart.value = { fields: ['loss'], x: 'time', by: 'none' };
  render(<FieldChart app={app} />, host);
  return { app, host };
}

const series = (el: HTMLElement) =>
  [...el.querySelectorAll('[data-testid="chart-series"]')].map((s) => s.textContent ?? '');

describe('FieldChart', () => {
  it('draws the loss of a training loop and follows the filter', async () => {
    const { app, host } = mount();
    await expect.poll(() => host.querySelectorAll('.chart-plot canvas').length).toBe(1);
    expect(series(host)).toEqual([expect.stringMatching(/^loss n=440 p50=/)]);
    expect(host.querySelector('.u-legend')?.textContent).toContain('loss');
    app.view.value.filter.value = { ...app.view.value.filter.value, query: 'tag:eval' };
    await expect.poll(() => series(host)).toEqual([expect.stringMatching(/^loss n=40 p50=/)]);
  });

  it('splits series per tag and plots against another field', async () => {
    const { app, host } = mount();
    app.chart.value = { fields: ['loss'], x: 'step', by: 'tag' };
    await expect.poll(() => series(host).map((s) => s.split(' n=')[0])).toEqual(['loss · train', 'loss · eval']);
    expect(series(host)[1]).toMatch(/ n=40 p50=0\.0\d+ p95=0\.\d+ min=0\.00\d+ max=3$/);
    expect((host.querySelector('[data-testid="chart-x"]') as HTMLSelectElement).value).toBe('step');
  });

  it('picks the time range of the view by a drag, selects the record under the cursor, pans and zooms it with the wheel, and clears it on a double click', async () => {
    const { app, host } = mount();
    await expect.poll(() => host.querySelectorAll('.chart-plot canvas').length).toBe(1);
    const over = host.querySelector('.u-over') as HTMLElement;
    const box = over.getBoundingClientRect();
    const at = (fraction: number) => ({
      clientX: box.left + box.width * fraction,
      clientY: box.top + box.height / 2,
      bubbles: true,
    });
    over.dispatchEvent(new MouseEvent('mouseenter', at(0.1)));
    over.dispatchEvent(new MouseEvent('mousemove', at(0.1)));
    const view = app.view.value;
    await expect.poll(() => view.selected.value).toBeDefined();
    const hovered = view.selected.value as number;
    expect(hovered).toBeGreaterThan(20);
    expect(hovered).toBeLessThan(70);

    // The plot follows the pointer once a frame, as it would under a hand.
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    over.dispatchEvent(new MouseEvent('mousemove', at(0.25)));
    await frame();
    over.dispatchEvent(new MouseEvent('mousedown', { ...at(0.25), button: 0 }));
    await frame();
    over.dispatchEvent(new MouseEvent('mousemove', { ...at(0.4), movementX: 100 }));
    await frame();
    over.dispatchEvent(new MouseEvent('mousemove', { ...at(0.5), movementX: 100 }));
    await frame();
    document.dispatchEvent(new MouseEvent('mouseup', { ...at(0.5), button: 0 }));
    await expect.poll(() => view.filter.value.from).toBeDefined();
    const { from, to } = view.filter.value;
    expect(from).toBeGreaterThan(1_000_000 + 90 * 100);
    expect(to).toBeLessThan(1_000_000 + 210 * 100);
    await expect.poll(() => series(host)[0]).toMatch(/^loss n=(10\d|11\d|12\d|13\d) /);

    // The wheel pans the range, and zooms it with Ctrl.
    const width = (to as number) - (from as number);
    over.dispatchEvent(new WheelEvent('wheel', { ...at(0.5), deltaY: 100, cancelable: true }));
    await expect.poll(() => view.filter.value.from).toBe(Math.floor((from as number) + width * 0.1));
    over.dispatchEvent(new WheelEvent('wheel', { ...at(0.5), deltaY: -100, ctrlKey: true, cancelable: true }));
    await expect.poll(() => (view.filter.value.to as number) - (view.filter.value.from as number)).toBeLessThan(width);

    over.dispatchEvent(new MouseEvent('dblclick', at(0.5)));
    await expect.poll(() => view.filter.value.from).toBeUndefined();
  });
});
