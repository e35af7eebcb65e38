import { LEVEL_NAMES, type LevelName, type LogRecord } from '@pulselog/shared';
import { ALL, compileFilter, type FilterState, searchText } from '@pulselog/shared/query';
import { describe, expect, it } from 'vitest';

import { computeFacets } from '../core/facets.js';
import { packRecords, parseLines } from '../core/pack.js';
import { SessionModel } from './session.js';
import { requestRecords, rowSeqs } from './test-support.js';
import { ViewModel } from './view.js';

/** The records the session holds, read back from its JSON lines. */
const held = (model: SessionModel) => parseLines(model.store.lines(0, model.size).join('')) as LogRecord[];

const brute = (model: SessionModel, filter: FilterState) => {
  const compiled = compileFilter(filter);
  return held(model)
    .filter((r) => compiled.test(r, () => searchText(r)))
    .map((r) => r.seq);
};

/** Appends records `from..from+count-1` in runs of `run`, as a stream brings them. */
function stream(model: SessionModel, from: number, count: number, run = 1000): void {
  for (let at = from; at < from + count; at += run)
    model.append(packRecords(requestRecords(at, Math.min(run, from + count - at))));
}

const redraw = () => new Promise((resolve) => setTimeout(resolve, 300));

const FILTERS: Partial<FilterState>[] = [
  { query: 'request 1777' },
  { query: 'status>=500' },
  { query: 'service=api tag:web' },
  { levels: new Set<LevelName>(['warning', 'error']) },
  { query: '"request 19" done -web' },
];

describe('a session with a limit', () => {
  it('holds at most its limit, evicting the oldest a chunk at a time, and counts what left', async () => {
    const model = new SessionModel('live', 5000);
    stream(model, 1, 20_000);
    expect(model.size).toBeLessThanOrEqual(5000);
    expect(model.size).toBeGreaterThanOrEqual(4500);
    expect(model.received).toBe(20_000);
    expect(model.evicted).toBe(20_000 - model.size);
    // The newest, in order, with nothing missing between them.
    const seqs = held(model).map((r) => r.seq);
    expect(seqs).toEqual(requestRecords(20_001 - model.size, model.size).map((r) => r.seq));
    await redraw();
    // Level counts are of the records held.
    const counts = Object.fromEntries(LEVEL_NAMES.map((l) => [l, held(model).filter((r) => r.level === l).length]));
    expect(model.counts.value).toEqual(counts);
    // The timeline's span starts at the oldest record held.
    expect(model.seconds.first).toBe(held(model)[0]?.ts);
  });

  it('keeps the newest of a run longer than its limit', () => {
    const model = new SessionModel('imported', 1000);
    model.append(packRecords(requestRecords(1, 300)));
    model.append(packRecords(requestRecords(301, 2500)));
    expect(model.size).toBe(1000);
    expect(model.record(0)?.seq).toBe(1801);
    expect(model.evicted).toBe(1800);
  });

  it('evicts down to a lower limit at once', () => {
    const model = new SessionModel('live', 10_000);
    stream(model, 1, 8000);
    model.setLimit(3000);
    expect(model.size).toBe(3000);
    expect(model.record(0)?.seq).toBe(5001);
  });
});

describe('a view of a session that evicts', () => {
  it('shows exactly the records held that the filter passes, whether it filtered before or after eviction', async () => {
    for (const f of FILTERS) {
      const filter = { ...ALL, ...f };
      const model = new SessionModel('live', 5000);
      stream(model, 1, 3000);
      const view = new ViewModel(model);
      view.filter.value = filter;
      // Eviction happens between redraws, while rows are filtered as they come.
      stream(model, 3001, 17_000);
      await redraw();
      expect(rowSeqs(view), JSON.stringify(f.query ?? f)).toEqual(brute(model, filter));
      view.filter.value = { ...ALL };
      view.filter.value = filter;
      expect(rowSeqs(view)).toEqual(brute(model, filter));
      // The facets count the rows held that pass.
      const levels = computeFacets(model.store, view.shownRows())[0];
      expect(levels?.present).toBe(brute(model, filter).length);
      view.close();
    }
  });

  it('moves its rows, tells the list how many left the top, and keeps the selection by record', async () => {
    const model = new SessionModel('live', 5000);
    stream(model, 1, 5000);
    const view = new ViewModel(model);
    view.filter.value = { ...ALL, query: 'status>=500' };
    await redraw();
    view.setFollow(false);
    const before = rowSeqs(view);
    view.select(before.length - 10);
    const selected = view.selected.value as number;
    const oldest = before[0] as number;
    view.select(0);
    expect(view.selected.value).toBe(oldest);
    view.select(before.length - 10);
    stream(model, 5001, 1000);
    // Rows shift at once, before any redraw: no row points at another record.
    const gone = before.filter((seq) => seq < (model.record(0)?.seq ?? 0)).length;
    expect(gone).toBeGreaterThan(0);
    expect(view.shifted.value).toBe(gone);
    expect(rowSeqs(view)).toEqual(before.slice(gone));
    expect(view.session.record(view.recordIndex(view.selectedRow()))?.seq).toBe(selected);
    await redraw();
    expect(rowSeqs(view)).toEqual(brute(model, view.filter.value));
    // New rows are counted for the "new records" button, the evicted ones taken off.
    expect(view.newRows.value).toBe(rowSeqs(view).length - (before.length - gone));
    // A selected record that is evicted is no longer in the list.
    view.select(0);
    stream(model, 6001, 2000);
    expect(view.selectedRow()).toBe(-1);
    view.close();
  });

  it('shifts every row when nothing is filtered', () => {
    const model = new SessionModel('live', 2000);
    stream(model, 1, 2000);
    const view = new ViewModel(model);
    stream(model, 2001, 100);
    expect(view.shifted.value).toBe(200);
    expect(view.length).toBe(1900);
    expect(rowSeqs(view)[0]).toBe(201);
    view.close();
  });
});
