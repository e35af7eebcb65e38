import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { RecordList } from './RecordList.js';
import { ROW_HEIGHT } from './RecordRow.js';
import '../styles.css';
import { packRecords } from '../core/pack.js';

const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;

function records(from: number, count: number): LogRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    ts: 1_000_000 + from + i,
    level: LEVELS[(from + i) % 5] as (typeof LEVELS)[number],
    msg: `record ${from + i}`,
  }));
}

function session(count: number): SessionModel {
  const model = new SessionModel();
  model.apply({
    type: 'hello',
    protocol: 1,
    lastSeq: 0,
    session: { id: 's', name: 's', pid: 1, host: 'h', startedAt: 0, versions: { pulselog: '', node: '', protocol: 1 } },
  });
  model.append(packRecords(records(1, count)));
  return model;
}

function mount(view: ViewModel): HTMLElement {
  const host = document.createElement('div');
  host.style.height = '480px';
  host.style.display = 'flex';
  document.body.append(host);
  render(<RecordList view={view} />, host);
  return host;
}

/** Waits until arriving records have been drawn (redraws are spaced out while records stream in). */
const frame = () =>
  new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => setTimeout(resolve, 0)), 120));
const list = (host: HTMLElement) => host.querySelector('[data-testid="record-list"]') as HTMLElement;
const seqs = (host: HTMLElement) =>
  [...host.querySelectorAll('[data-seq]')].map((row) => Number(row.getAttribute('data-seq'))).sort((a, b) => a - b);

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
});

describe('RecordList', () => {
  it('keeps only the rows in view in the DOM, even for 200,000 records', async () => {
    const view = new ViewModel(session(200_000));
    const host = mount(view);
    await frame();
    const shown = seqs(host);
    expect(shown.length).toBeLessThan(60);
    // It follows the tail: the newest record is in view.
    expect(shown.at(-1)).toBe(200_000);
    list(host).scrollTop = 100_000 * ROW_HEIGHT;
    list(host).dispatchEvent(new Event('scroll'));
    await frame();
    expect(seqs(host)).toContain(100_001);
    expect(seqs(host).length).toBeLessThan(60);
  });

  it('follows the tail until scrolled up, then counts new records and jumps back', async () => {
    const model = session(1000);
    const view = new ViewModel(model);
    const host = mount(view);
    await frame();
    model.append(packRecords(records(1001, 10)));
    await frame();
    await frame();
    expect(seqs(host).at(-1)).toBe(1010);

    list(host).scrollTop = 0;
    list(host).dispatchEvent(new Event('scroll'));
    await frame();
    expect(view.follow.value).toBe(false);
    model.append(packRecords(records(1011, 25)));
    await frame();
    await frame();
    const jump = host.querySelector('[data-testid="jump-latest"]') as HTMLButtonElement;
    expect(jump.textContent).toBe('25 new records ↓');
    expect(seqs(host)[0]).toBe(1);

    jump.click();
    await frame();
    await frame();
    expect(seqs(host).at(-1)).toBe(1035);
    expect(host.querySelector('[data-testid="jump-latest"]')).toBeNull();
  });

  it('shows only the rows the filter passes, updated as records arrive', async () => {
    const model = session(100);
    const view = new ViewModel(model);
    view.filter.value = { ...view.filter.value, query: '"record 9"' };
    const host = mount(view);
    await frame();
    expect(seqs(host)).toEqual([9, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    model.append(packRecords(records(101, 900)));
    await frame();
    await frame();
    // 9, 90-99 and now 900-999.
    expect(view.length).toBe(111);
  });

  it('keeps invisible rows ready while empty, and draws the first records into them', async () => {
    const model = session(0);
    const view = new ViewModel(model);
    const host = mount(view);
    await frame();
    const blanks = [...host.querySelectorAll('.row')];
    expect(blanks.length).toBeGreaterThan(10);
    expect(blanks.every((row) => row.getAttribute('aria-hidden') === 'true' && !row.hasAttribute('data-seq'))).toBe(
      true,
    );
    expect(host.querySelector('[role="option"]')).toBeNull();
    model.append(packRecords(records(1, 5)));
    await frame();
    await frame();
    expect(seqs(host)).toEqual([1, 2, 3, 4, 5]);
    // The first records went into elements that were already there.
    expect(blanks.filter((row) => row.isConnected && row.hasAttribute('data-seq'))).toHaveLength(5);
  });

  it('reuses every row element while following a stream that moves thousands of rows at a time', async () => {
    const model = session(5000);
    const view = new ViewModel(model);
    const host = mount(view);
    await frame();
    const before = new Set(host.querySelectorAll('[data-seq]'));
    model.append(packRecords(records(5001, 20_000)));
    await frame();
    await frame();
    const after = [...host.querySelectorAll('[data-seq]')];
    expect(seqs(host).at(-1)).toBe(25_000);
    expect(after.every((row) => before.has(row))).toBe(true);
  });
});
