import type { HealthSample, LogRecord, ProfileMessage } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { Timeline } from './Timeline.js';
import '../styles.css';

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

const T0 = 1_000_000;

function sample(at: number, cpu: number): HealthSample {
  return {
    at,
    cpu: { user: cpu, system: 2 },
    rss: 90e6,
    heap: { used: 5e6 + at - T0, total: 20e6 },
    loop: { p50: 1, p99: cpu > 50 ? 150 : 3, max: cpu > 50 ? 180 : 5 },
    gc: { ms: 1.5, count: 2 },
    handles: 4,
  };
}

/** 60 s of records, a health sample a second, and a profile whose hot function runs in the second half. */
function session(): SessionModel {
  const model = new SessionModel();
  const records: LogRecord[] = [];
  for (let s = 0; s < 60; s++) records.push({ seq: s + 1, ts: T0 + s * 1000, level: 'info', msg: 'tick' });
  model.append(packRecords(records));
  model.apply({
    type: 'health',
    samples: Array.from({ length: 60 }, (_, s) => sample(T0 + (s + 1) * 1000, s < 30 ? 10 : 90)),
  });
  const samples: number[] = [];
  for (let s = 0; s < 60; s++) samples.push(T0 + s * 1000, s < 30 ? 2 : 3, 900_000);
  const profile: ProfileMessage = {
    type: 'profile',
    intervalUs: 10_000,
    frames: [
      { id: 0, name: '(root)', url: '', line: 0, column: 0 },
      { id: 1, name: 'main', url: 'file:///app/job.js', line: 3, column: 1 },
      { id: 2, name: 'waitForInput', url: 'file:///app/job.js', line: 10, column: 1 },
      { id: 3, name: 'crunchNumbers', url: 'file:///app/job.js', line: 20, column: 1 },
    ],
    stacks: [0, -1, 0, 1, 0, 1, 2, 1, 2, 3, 1, 3],
    samples,
  };
  model.apply(profile);
  return model;
}

async function mount(view: ViewModel): Promise<HTMLElement> {
  const host = document.createElement('div');
  host.style.width = '800px';
  document.body.append(host);
  render(<Timeline view={view} />, host);
  await new Promise((resolve) => setTimeout(resolve, 400));
  return host;
}

function hoverAt(canvas: HTMLCanvasElement, x: number, y: number): void {
  const r = canvas.getBoundingClientRect();
  canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + x, clientY: r.top + y, bubbles: true }));
}

describe('the health strip and the flame graph', () => {
  it('draws health over the records on the same axis, and shows a whole sample on hover', async () => {
    const host = await mount(new ViewModel(session()));
    const strip = host.querySelector('[data-testid="health-strip"]') as HTMLElement;
    const timeline = host.querySelector('[data-testid="timeline"]') as HTMLElement;
    expect(strip.getBoundingClientRect().left).toBe(timeline.getBoundingClientRect().left);
    expect(strip.getBoundingClientRect().width).toBe(timeline.getBoundingClientRect().width);
    expect(host.querySelector('[data-testid="health-legend"]')?.textContent).toBe('CPU 92%heap 4.8 MBloop p99 150 ms');
    const canvas = strip.querySelector('canvas') as HTMLCanvasElement;
    // The first half (10% CPU) draws a low area, the second (90%) a high one.
    hoverAt(canvas, 200, 10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(host.querySelector('[data-testid="health-tip"]')?.textContent).toMatch(
      /CPU 10% user, 2% system.*RSS 8\d\.\d MB.*p99 3 ms.*GC 1\.5 ms in 2, 4 handles/,
    );
    hoverAt(canvas, 600, 10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(host.querySelector('[data-testid="health-tip"]')?.textContent).toMatch(
      /CPU 90% user.*p99 150 ms, max 180 ms/,
    );
  });

  it('shows the flame graph of the whole session, then of the range the filter keeps, with times on hover', async () => {
    const model = session();
    const view = new ViewModel(model);
    const host = await mount(view);
    const flame = host.querySelector('[data-testid="flame-graph"]') as HTMLElement;
    expect(flame.textContent).toMatch(/of the whole session.*54000 ms sampled/);
    view.filter.value = { ...view.filter.value, from: T0 + 40_000, to: T0 + 49_999 };
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(flame.textContent).toMatch(/of the selected range.*9000 ms sampled/);
    // Only the hot function ran then: the row under main is all crunchNumbers.
    const canvas = flame.querySelector('canvas') as HTMLCanvasElement;
    hoverAt(canvas, 400, 3 * 16 + 8);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(flame.querySelector('[data-testid="flame-tip"]')?.textContent).toBe(
      'crunchNumbersself 9000 ms, total 9000 ms (100%)/app/job.js:20',
    );
  });
});
