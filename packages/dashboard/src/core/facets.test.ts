import type { LevelName, LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { computeFacets } from './facets.js';
import { packRecords } from './pack.js';
import { RecordStore } from './records.js';

function store(records: LogRecord[]): RecordStore {
  const s = new RecordStore();
  s.append(packRecords(records));
  return s;
}

const LEVELS: LevelName[] = ['info', 'info', 'info', 'warning', 'error'];

const records: LogRecord[] = Array.from({ length: 100 }, (_, i) => ({
  seq: i + 1,
  ts: 1000 + i,
  level: LEVELS[i % 5] as LevelName,
  msg: `GET /items/${i}`,
  fields: {
    status: i % 10 === 0 ? 503 : 200,
    duration_ms: i + 1,
    method: i % 4 === 0 ? 'POST' : 'GET',
    body: { size: i },
  },
  ...(i < 30 ? { tag: 'web' } : {}),
}));

describe('computeFacets', () => {
  it('lists top values with counts and min/median/max of numbers for every record', () => {
    const facets = computeFacets(store(records), { length: 100, rows: undefined });
    const byKey = Object.fromEntries(facets.map((f) => [f.key, f]));
    expect(facets.map((f) => f.key)).toEqual(['level', 'tag', 'status', 'duration_ms', 'method', 'body']);
    expect(byKey.level?.top).toEqual([
      { value: 'info', count: 60 },
      { value: 'warning', count: 20 },
      { value: 'error', count: 20 },
    ]);
    expect(byKey.tag).toMatchObject({ present: 30, top: [{ value: 'web', count: 30 }] });
    expect(byKey.status?.top).toEqual([
      { value: 200, count: 90 },
      { value: 503, count: 10 },
    ]);
    expect(byKey.status?.numbers).toEqual({ count: 100, min: 200, max: 503, median: 200, approximate: false });
    // Every value distinct: statistics, no list.
    expect(byKey.duration_ms?.top).toEqual([]);
    expect(byKey.duration_ms?.numbers).toMatchObject({ min: 1, max: 100, median: 51 });
    expect(byKey.method?.top).toEqual([
      { value: 'GET', count: 75 },
      { value: 'POST', count: 25 },
    ]);
    expect(byKey.body).toMatchObject({ present: 100, other: 100, top: [] });
  });

  it('counts only the rows shown', () => {
    const rows = Uint32Array.from({ length: 10 }, (_, k) => k * 10);
    const facets = computeFacets(store(records), { length: 10, rows });
    const status = facets.find((f) => f.key === 'status');
    expect(status?.top).toEqual([{ value: 503, count: 10 }]);
    expect(facets.find((f) => f.key === 'method')?.top).toEqual([
      { value: 'POST', count: 5 },
      { value: 'GET', count: 5 },
    ]);
  });

  it('samples the median of many numbers and keeps min and max exact', () => {
    const big: LogRecord[] = Array.from({ length: 200_000 }, (_, i) => ({
      seq: i + 1,
      ts: i,
      level: 'info',
      msg: 'step',
      fields: { loss: 1 / (i + 1) },
    }));
    const s = store(big);
    const loss = computeFacets(s, { length: big.length, rows: undefined }).find((f) => f.key === 'loss');
    expect(loss?.numbers?.min).toBe(1 / 200_000);
    expect(loss?.numbers?.max).toBe(1);
    expect(loss?.numbers?.approximate).toBe(true);
    expect(loss?.numbers?.median).toBeCloseTo(1e-5, 6);
  });
});
