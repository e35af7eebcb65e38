import type { LevelName, LogRecord } from '@pulselog/shared';
import { ALL, compileFilter, type FilterState, searchText } from '@pulselog/shared/query';
import { describe, expect, it } from 'vitest';

import { packRecords, parseLines } from '../core/pack.js';

import { SessionModel } from './session.js';
import { requestRecords, rowSeqs } from './test-support.js';
import { ViewModel } from './view.js';

function brute(model: SessionModel, filter: FilterState): number[] {
  const compiled = compileFilter(filter);
  const passed = (parseLines(model.store.lines(0, model.size).join('')) as LogRecord[]).filter((r) =>
    compiled.test(r, () => searchText(r)),
  );
  if (compiled.all || compiled.query.terms.length > 0) return passed.map((r) => r.seq);
  // Without search terms, a divider shows only above a record that passes.
  return passed.filter((r, i) => r.kind !== 'divider' || passed[i + 1]?.kind === undefined).map((r) => r.seq);
}

const FILTERS: Partial<FilterState>[] = [
  { query: 'request 4242' },
  { query: '"request 42" done' },
  { query: 'status>=500' },
  { query: 'status>=500 web' },
  { query: 'user_id=42 tag:web' },
  { levels: new Set<LevelName>(['warning', 'error']) },
  { levels: new Set<LevelName>(['debug']), query: '77' },
  { from: 1_100_000, to: 1_200_000 },
  { query: 'no such thing' },
  { query: 'service=api' },
  { query: 'service!=api user_id<20' },
  { query: 'status!=200' },
  { query: 'service>=4' },
  { query: 'service=API tag:WEB' },
  { query: 'tag!=web status>=500' },
  { query: 'tag<w' },
  { query: '4242 OR 4243' },
  { query: 'request -web status>=500' },
  { query: '(service=api OR tag:web) NOT user_id<900' },
  { query: '/Request 4\\d+2 done/' },
  { query: 'service:* user_id=/^99/' },
  { query: 'status>=' },
  { query: '-service=api' },
  { query: 'NOT tag:web status>=500' },
  { query: '-level=info' },
];

describe('ViewModel', () => {
  it('shows exactly the records the filter passes, through every fast path, as records keep arriving', async () => {
    const model = new SessionModel();
    model.append(packRecords(requestRecords(1, 40_000, 7000)));
    const view = new ViewModel(model);
    for (const f of FILTERS) {
      const filter = { ...ALL, ...f };
      view.filter.value = filter;
      expect(rowSeqs(view), JSON.stringify(f.query ?? f)).toEqual(brute(model, filter));
    }
    // New records are filtered as they come, without a full pass.
    const kept = { ...ALL, ...FILTERS[FILTERS.length - 3] } as FilterState;
    view.filter.value = kept;
    model.append(packRecords(requestRecords(40_001, 5000, 7000)));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(rowSeqs(view)).toEqual(brute(model, kept));
    expect(rowSeqs(view).at(-1)).toBeGreaterThan(40_000);
    view.close();
  });

  it('shows a divider under a filter only above a record that passes, never stacked', async () => {
    const model = new SessionModel();
    const epochs: LogRecord[] = [];
    for (let e = 1; e <= 5; e++) {
      epochs.push({ seq: e * 10, ts: e * 10, level: 'info', msg: `epoch ${e}`, kind: 'divider' });
      epochs.push({ seq: e * 10 + 1, ts: e * 10 + 1, level: e === 4 ? 'error' : 'info', msg: `step of ${e}` });
    }
    model.append(packRecords(epochs));
    const view = new ViewModel(model);
    view.filter.value = { ...ALL, levels: new Set<LevelName>(['error']) };
    expect(rowSeqs(view)).toEqual([40, 41]);
    // A divider found by a search is shown for itself.
    view.filter.value = { ...ALL, query: 'epoch' };
    expect(rowSeqs(view)).toEqual([10, 20, 30, 40, 50]);
    // A divider waits for a record of its own as records arrive.
    view.filter.value = { ...ALL, levels: new Set<LevelName>(['error']) };
    model.append(packRecords([{ seq: 60, ts: 60, level: 'info', msg: 'epoch 6', kind: 'divider' }]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rowSeqs(view)).toEqual([40, 41]);
    model.append(packRecords([{ seq: 61, ts: 61, level: 'error', msg: 'failed' }]));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(rowSeqs(view)).toEqual([40, 41, 60, 61]);
    view.close();
  });
});
