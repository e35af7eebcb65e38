import type { LevelName, LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { computeFacets, FacetCounter } from './facets.js';
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

describe('FacetCounter', () => {
  const many: LogRecord[] = Array.from({ length: 90_000 }, (_, i) => ({
    seq: i + 1,
    ts: i,
    level: LEVELS[i % 5] as LevelName,
    msg: 'step',
    fields: {
      loss: 1 / (i + 1),
      status: i % 7 === 0 ? 500 : 200,
      ...(i >= 40_000 ? { route: i % 3 === 0 ? '/a' : '/b' } : {}),
      ...(i % 11 === 0 ? { body: { i } } : {}),
    },
  }));
  const all = { length: many.length, rows: undefined };

  it('counts records as they arrive as a pass over all of them would', () => {
    const s = new RecordStore();
    const counter = new FacetCounter();
    // Runs of uneven size, a field appearing part way, and a pass between every two runs.
    for (let at = 0; at < many.length; at += 13_001) {
      s.append(packRecords(many.slice(at, at + 13_001)));
      counter.facets(s, { length: s.size, rows: undefined });
    }
    const facets = counter.facets(s, all);
    expect(facets).toEqual(computeFacets(s, all));
    const byKey = Object.fromEntries(facets.map((f) => [f.key, f]));
    expect(byKey.level?.present).toBe(90_000);
    expect(byKey.status?.top).toEqual([
      { value: 200, count: 77_142 },
      { value: 500, count: 12_858 },
    ]);
    expect(byKey.route).toMatchObject({
      present: 50_000,
      top: [
        { value: '/b', count: 33_334 },
        { value: '/a', count: 16_666 },
      ],
    });
    expect(byKey.loss?.numbers).toMatchObject({ count: 90_000, min: 1 / 90_000, max: 1, approximate: true });
    expect(byKey.loss?.numbers?.median).toBeCloseTo(1 / 45_000, 7);
  });

  it('counts every record again once the oldest were evicted', () => {
    const s = new RecordStore();
    const counter = new FacetCounter();
    s.append(packRecords(many.slice(0, 50_000)));
    counter.facets(s, { length: s.size, rows: undefined });
    s.evict(30_000);
    s.append(packRecords(many.slice(50_000)));
    const facets = counter.facets(s, { length: s.size, rows: undefined });
    expect(facets).toEqual(computeFacets(s, { length: s.size, rows: undefined }));
    expect(facets[0]?.present).toBe(60_000);
    expect(facets.find((f) => f.key === 'loss')?.numbers?.max).toBe(1 / 30_001);
  });

  it('counts the rows a filter shows anew on every pass', () => {
    const s = store(records);
    const counter = new FacetCounter();
    const rows = Uint32Array.from({ length: 10 }, (_, k) => k * 10);
    counter.facets(s, { length: 100, rows: undefined });
    const shown = counter.facets(s, { length: 10, rows });
    expect(shown.find((f) => f.key === 'status')?.top).toEqual([{ value: 503, count: 10 }]);
    expect(counter.facets(s, { length: 5, rows })[0]?.present).toBe(5);
  });
});
