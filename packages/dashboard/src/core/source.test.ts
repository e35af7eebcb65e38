import type { LogRecord } from '@pulselog/shared';
import { ALL, compileFilter, searchText, sourceHue, sourceMatches } from '@pulselog/shared/query';
import { describe, expect, it } from 'vitest';
import { computeFacets } from './facets.js';
import { packRecords } from './pack.js';
import { RecordStore } from './records.js';

describe('sourceHue', () => {
  it('gives a source the same hue every time', () => {
    expect(sourceHue('worker[4242]')).toBe(sourceHue('worker[4242]'));
    expect(sourceHue('checkout')).toBe(sourceHue('checkout'));
  });

  it('tells the workers of one name apart, within a band around the name', () => {
    const hues = new Set([101, 102, 103, 104, 105, 106, 107].map((pid) => sourceHue(`worker[${pid}]`)));
    expect(hues.size).toBeGreaterThan(2);
    for (const hue of hues) {
      expect(hue).toBeGreaterThanOrEqual(0);
      expect(hue).toBeLessThan(360);
      const distance = Math.min(Math.abs(hue - sourceHue('worker')), 360 - Math.abs(hue - sourceHue('worker')));
      expect(distance).toBeLessThanOrEqual(30);
    }
  });

  it('gives different names different hues', () => {
    const names = ['api', 'worker', 'scheduler', 'checkout', 'payments', 'thread'];
    expect(new Set(names.map(sourceHue)).size).toBeGreaterThanOrEqual(5);
  });
});

describe('sourceMatches', () => {
  it('matches the whole source or its logger name, ignoring case', () => {
    expect(sourceMatches('worker[4242]', 'worker[4242]')).toBe(true);
    expect(sourceMatches('worker[4242]', 'Worker')).toBe(true);
    expect(sourceMatches('worker[4242:3]', 'worker')).toBe(true);
    expect(sourceMatches('checkout', 'CHECKOUT')).toBe(true);
  });

  it('does not match another name that merely starts the same', () => {
    expect(sourceMatches('workers[1]', 'worker')).toBe(false);
    expect(sourceMatches('worker[4242]', 'worker[42')).toBe(false);
    expect(sourceMatches('checkout', 'check')).toBe(false);
  });
});

describe('source: in the query language', () => {
  const records: LogRecord[] = [
    { seq: 1, ts: 1, level: 'info', msg: 'primary up' },
    { seq: 2, ts: 2, level: 'info', msg: 'a', source: 'worker[101]' },
    { seq: 3, ts: 3, level: 'info', msg: 'b', source: 'worker[102]' },
    { seq: 4, ts: 4, level: 'info', msg: 'c', source: 'thread[100:3]' },
    { seq: 5, ts: 5, level: 'info', msg: 'd', source: 'checkout' },
    { seq: 6, ts: 6, level: 'info', msg: 'e', fields: { source: 'worker' } },
  ];
  const pick = (query: string) => {
    const compiled = compileFilter({ ...ALL, query });
    return records.filter((r) => compiled.test(r, () => searchText(r))).map((r) => r.seq);
  };

  it('keeps the records of a logger name, of one process, or of a service', () => {
    expect(pick('source:worker')).toEqual([2, 3, 6]);
    expect(pick('source:worker[102]')).toEqual([3]);
    expect(pick('source:thread')).toEqual([4]);
    expect(pick('source:checkout')).toEqual([5]);
  });

  it('lists the sources as a facet, with their counts', () => {
    const many = [...records, ...records.slice(1, 3), records[1] as LogRecord].map((r, i) => ({ ...r, seq: i + 1 }));
    const store = new RecordStore();
    store.append(packRecords(many));
    const facet = computeFacets(store, { length: many.length, rows: undefined }).find((f) => f.key === 'source');
    expect(facet).toMatchObject({ present: 7 });
    expect(facet?.top.map((t) => [t.value, t.count])).toEqual([
      ['worker[101]', 3],
      ['worker[102]', 2],
      ['thread[100:3]', 1],
      ['checkout', 1],
    ]);
  });

  it('negates, combines and tests presence', () => {
    expect(pick('-source:worker')).toEqual([1, 4, 5]);
    expect(pick('source:worker OR source:thread')).toEqual([2, 3, 4, 6]);
    expect(pick('source:*')).toEqual([2, 3, 4, 5, 6]);
  });
});
