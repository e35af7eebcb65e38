import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { packRecords, parseLines } from './pack.js';
import { RecordStore } from './records.js';

const records = (from: number, count: number): LogRecord[] =>
  Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    ts: 1000 + from + i,
    level: 'info',
    msg: `record ${from + i}`,
    fields: { n: from + i },
  }));

describe('RecordStore', () => {
  const store = new RecordStore();
  store.append(packRecords(records(1, 700)));
  store.append(packRecords([]));
  store.append(packRecords(records(701, 2000)));
  store.append(packRecords(records(2701, 3)));

  it('gives back every record as it was, across runs', () => {
    expect(store.size).toBe(2703);
    expect(store.lastSeq).toBe(2703);
    expect(store.get(0)).toEqual(records(1, 1)[0]);
    expect(store.get(699)?.seq).toBe(700);
    expect(store.get(700)?.seq).toBe(701);
    expect(store.parse(2702)?.msg).toBe('record 2703');
    expect(store.get(2703)).toBeUndefined();
    const all = parseLines(store.lines(0, store.size).join('')) as LogRecord[];
    expect(all.map((r) => r.seq)).toEqual(records(1, 2703).map((r) => r.seq));
  });

  it('hands out the same object for a record asked for again', () => {
    expect(store.get(5)).toBe(store.get(5));
  });

  it('keeps times, sequence numbers, search text and fields in columns', () => {
    expect(store.times[10]).toBe(1011);
    expect(store.indexOfSeq(701)).toBe(700);
    expect(store.indexOfSeq(99_999)).toBe(2703);
    expect(store.texts.get(2000)).toBe('record 2001\nn=2001');
    expect(store.fields.get('n')?.values[2702]).toBe(2703);
  });

  it('gives the JSON lines of any range in pieces of whole lines, as they were appended', () => {
    const pieces = store.lines(650, 2710);
    expect(pieces).toHaveLength(3);
    expect(pieces.join('')).toBe(packRecords(records(651, 2053)).lines);
    expect(store.json(700)).toBe(JSON.stringify(records(701, 1)[0]));
  });

  it('forgets everything when cleared', () => {
    const other = new RecordStore();
    other.append(packRecords(records(1, 10)));
    other.clear();
    expect(other.size).toBe(0);
    expect(other.get(0)).toBeUndefined();
    other.append(packRecords(records(5, 2)));
    expect(other.get(1)?.seq).toBe(6);
  });
});

describe('RecordStore.prepare', () => {
  it('grows one column per call ahead of need, and none while there is room', () => {
    const store = new RecordStore();
    store.append(packRecords(records(1, 3000)));
    store.append(packRecords(records(3001, 3000)));
    let steps = 0;
    while (store.prepare()) steps++;
    // Sequence numbers, times, levels and `n`, one per call.
    expect(steps).toBe(4);
    for (const column of [store.seqs, store.times, store.levelCodes, store.fields.get('n')?.values]) {
      expect(column?.length).toBeGreaterThanOrEqual(4 * 6000);
    }
    expect(store.get(5999)?.seq).toBe(6000);
    expect(store.fields.get('n')?.values[5999]).toBe(6000);
    // Room for twice the records: nothing to grow until they double.
    store.append(packRecords(records(6001, 5000)));
    expect(store.prepare()).toBe(false);
  });
});
