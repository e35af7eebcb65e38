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

describe('RecordStore.evict', () => {
  const fill = () => {
    const store = new RecordStore();
    store.append(packRecords(records(1, 700)));
    store.append(packRecords(records(701, 2000)));
    store.append(packRecords(records(2701, 300)));
    return store;
  };

  it('forgets the oldest records, inside a run or at its edge, and renumbers the rest from 0', () => {
    for (const k of [1, 699, 700, 701, 2700, 2999]) {
      const store = fill();
      store.get(0);
      store.evict(k);
      expect(store.size, `evict ${k}`).toBe(3000 - k);
      expect(store.get(0)?.seq, `evict ${k}`).toBe(k + 1);
      expect(store.seqs[0]).toBe(k + 1);
      expect(store.times[0]).toBe(1000 + k + 1);
      expect(store.fields.get('n')?.values[0]).toBe(k + 1);
      expect(store.texts.get(0)).toBe(`record ${k + 1}\nn=${k + 1}`);
      expect(store.json(store.size - 1)).toBe(JSON.stringify(records(3000, 1)[0]));
      expect(store.indexOfSeq(k + 1)).toBe(0);
      expect(store.indexOfSeq(k)).toBe(0);
      const all = parseLines(store.lines(0, store.size).join('')) as LogRecord[];
      expect(all.map((r) => r.seq)).toEqual(records(k + 1, 3000 - k).map((r) => r.seq));
    }
  });

  it('finds search terms only in the records held, at their new indices', () => {
    const store = fill();
    store.evict(1500);
    const hits: number[] = [];
    store.texts.search('record 1', 0, (i) => hits.push(i));
    expect(hits.map((i) => store.seqs[i])).toEqual(
      records(1501, 1500)
        .filter((r) => r.msg.includes('record 1'))
        .map((r) => r.seq),
    );
  });

  it('takes new records after the ones held, and can be emptied and filled again', () => {
    const store = fill();
    store.evict(2990);
    store.append(packRecords(records(3001, 50)));
    expect(store.size).toBe(60);
    expect(store.get(10)?.seq).toBe(3001);
    expect(store.fields.get('n')?.values[59]).toBe(3050);
    store.evict(60);
    expect(store.size).toBe(0);
    expect(store.lastSeq).toBe(0);
    store.append(packRecords(records(4000, 5)));
    expect(store.get(0)?.seq).toBe(4000);
    expect(store.lines(0, 5).join('')).toBe(packRecords(records(4000, 5)).lines);
  });

  it('grows no column past its limit', () => {
    const store = new RecordStore();
    store.limit = 5000;
    for (let from = 1; from < 5000; from += 1000) {
      store.append(packRecords(records(from, 1000)));
      while (store.prepare());
    }
    for (const column of [store.seqs, store.times, store.levelCodes, store.fields.get('n')?.values]) {
      expect(column?.length).toBeLessThanOrEqual(5000);
    }
  });
});
