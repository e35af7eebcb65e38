import { describe, expect, it } from 'vitest';
import { packRecords } from './pack.js';
import { CHUNK, TextIndex } from './textindex.js';

function build(count: number, text: (i: number) => string): TextIndex {
  const index = new TextIndex();
  for (let i = 0; i < count; i++) index.add(text(i));
  return index;
}

function find(index: TextIndex, term: string, from = 0): number[] {
  const hits: number[] = [];
  index.search(term, from, (i) => hits.push(i));
  return hits;
}

describe('TextIndex', () => {
  const count = CHUNK * 2 + 100;
  const index = build(count, (i) => `record ${i} done`);

  it('finds every record holding a term, once each, in order, across sealed chunks and the tail', () => {
    const brute = Array.from({ length: count }, (_, i) => i).filter((i) => `record ${i} done`.includes('77'));
    expect(find(index, '77')).toEqual(brute);
    expect(find(index, `record ${CHUNK * 2 + 5} `)).toEqual([CHUNK * 2 + 5]);
    expect(find(index, 'record 0 ')).toEqual([0]);
    expect(find(index, `record ${CHUNK - 1} done`)).toEqual([CHUNK - 1]);
    expect(find(index, 'done')).toHaveLength(count);
  });

  it('starts from a given record', () => {
    expect(find(index, '9', CHUNK + 3)[0]).toBe(CHUNK + 5);
    expect(find(index, 'done', count - 2)).toEqual([count - 2, count - 1]);
  });

  it('never matches across two records', () => {
    expect(find(index, 'done\u0000record')).toEqual([]);
    expect(find(index, 'donerecord')).toEqual([]);
  });

  it('gives back each record text', () => {
    expect(index.get(0)).toBe('record 0 done');
    expect(index.get(CHUNK + 1)).toBe(`record ${CHUNK + 1} done`);
    expect(index.get(count - 1)).toBe(`record ${count - 1} done`);
  });

  it('takes records in runs of any size, as packed runs bring them', () => {
    const runs = new TextIndex();
    const text = (i: number) => `record ${i} done`;
    let next = 0;
    for (const size of [1, 700, 5000, 9000, 3000, 1, 20_000, 12]) {
      const packed = packRecords(
        Array.from({ length: size }, (_, j) => ({
          seq: next + j + 1,
          ts: 0,
          level: 'info' as const,
          msg: text(next + j),
        })),
      );
      runs.addRun(packed.text, packed.textStarts, packed.count);
      next += size;
    }
    expect(runs.size).toBe(next);
    const brute = Array.from({ length: next }, (_, i) => i).filter((i) => text(i).includes('77'));
    expect(find(runs, '77')).toEqual(brute);
    expect(find(runs, '77', 15_000)).toEqual(brute.filter((i) => i >= 15_000));
    expect(runs.get(5701)).toBe(text(5701));
    expect(runs.get(next - 1)).toBe(text(next - 1));
    expect(runs.sample('record')).toBeGreaterThan(0);
  });

  it('forgets everything on clear', () => {
    const small = build(3, (i) => `x${i}`);
    small.clear();
    expect(small.size).toBe(0);
    expect(find(small, 'x')).toEqual([]);
  });
});

describe('TextIndex.evict', () => {
  it('forgets the oldest records across sealed chunks and waiting runs, the rest found at their new indices', () => {
    const count = CHUNK * 2 + 100;
    for (const k of [5, CHUNK, CHUNK + 7, count - 3]) {
      const index = build(count, (i) => `record ${i} done`);
      index.evict(k);
      expect(index.size).toBe(count - k);
      expect(index.get(0)).toBe(`record ${k} done`);
      const brute = Array.from({ length: count - k }, (_, i) => i).filter((i) => `record ${i + k} done`.includes('77'));
      expect(find(index, '77'), `evict ${k}`).toEqual(brute);
      expect(find(index, 'done', 2)).toHaveLength(Math.max(0, count - k - 2));
      // What comes next is appended after the ones held.
      index.add('record new done');
      expect(find(index, 'new')).toEqual([count - k]);
    }
  });
});
