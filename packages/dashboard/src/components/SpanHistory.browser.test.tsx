import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { DetailPanel } from './DetailPanel.js';
import { Timeline } from './Timeline.js';
import '../styles.css';

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

/** 80 calls of `fetch` a second apart, calls 47 and 71 flagged, with other records between. */
function spanSession(): ViewModel {
  const records: LogRecord[] = [];
  for (let i = 0; i < 80; i++) {
    const slow = i === 47 || i === 71;
    records.push({
      seq: records.length + 1,
      ts: 1_000_000 + i * 1000,
      level: slow ? 'warning' : 'info',
      msg: 'fetch',
      fields: {
        span: 'fetch',
        duration_ms: slow ? 450 : 40 + (i % 9),
        ...(slow ? { anomaly: '450 ms, 10x the median of 47 calls' } : {}),
      },
    });
    records.push({
      seq: records.length + 1,
      ts: 1_000_000 + i * 1000 + 5,
      level: 'info',
      msg: 'other',
      fields: { n: i },
    });
  }
  const model = new SessionModel();
  model.append(packRecords(records));
  return new ViewModel(model);
}

describe('spans in the page', () => {
  it('marks each anomaly on the timeline, with its reason, and a click selects it', async () => {
    const view = spanSession();
    const host = document.createElement('div');
    host.style.width = '800px';
    document.body.append(host);
    render(<Timeline view={view} />, host);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const marks = [...host.querySelectorAll<HTMLButtonElement>('[data-testid="timeline-anomaly"]')];
    expect(marks).toHaveLength(2);
    expect(marks[0]?.title).toBe('fetch: 450 ms, 10x the median of 47 calls');
    const left = (m: HTMLElement | undefined) => Number.parseFloat(m?.style.left ?? 'NaN');
    // Calls 47 and 71 of 80 seconds: about 59% and 89% along the strip.
    expect(left(marks[0]) / 800).toBeCloseTo(47 / 79, 1);
    expect(left(marks[1]) / 800).toBeCloseTo(71 / 79, 1);
    marks[1]?.click();
    expect(view.selected.value).toBe(143);
  });

  it("shows the selected span's history in the detail panel, anomalies apart, this call outlined", async () => {
    const view = spanSession();
    view.selected.value = 95; // call 47
    view.detailOpen.value = true;
    render(<DetailPanel view={view} />, document.body);
    const history = document.querySelector('[data-testid="span-history"]') as HTMLElement;
    expect(history.textContent).toContain('Span fetch: 80 calls, median 44 ms');
    expect(history.querySelectorAll('[data-testid="span-bar"]')).toHaveLength(78);
    expect(history.querySelectorAll('[data-testid="span-bar-anomaly"]')).toHaveLength(2);
    expect(history.querySelector('.span-bar-this')?.getAttribute('data-testid')).toBe('span-bar-anomaly');
    view.selected.value = 4; // an ordinary record: no span, no chart
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(document.querySelector('[data-testid="span-history"]')).toBeNull();
  });
});
