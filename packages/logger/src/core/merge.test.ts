import { describe, expect, it } from 'vitest';
import { seqOfLine, takeMerged } from './merge.js';
import { ContextQueue } from './queue.js';

function queue(label: string, seqs: number[]): ContextQueue {
  const q = new ContextQueue(100, label);
  for (const seq of seqs) q.push(`{"seq":${seq},"q":"${label}"}`, seq);
  return q;
}

describe('takeMerged', () => {
  it('merges the queues of concurrent contexts back into one order by seq', () => {
    const a = queue('a', [1, 4, 5, 9]);
    const b = queue('b', [2, 3, 8]);
    const c = queue('c', [6, 7]);
    const taken = takeMerged([a, b, c], 100, 1e9);
    expect(taken?.lines.map(seqOfLine)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(taken).toMatchObject({ firstSeq: 1, lastSeq: 9 });
    expect(a.size + b.size + c.size).toBe(0);
  });

  it('takes at most max records and leaves the rest in place', () => {
    const a = queue('a', [1, 3, 5]);
    const b = queue('b', [2, 4, 6]);
    expect(takeMerged([a, b], 4, 1e9)?.lines.map(seqOfLine)).toEqual([1, 2, 3, 4]);
    expect(takeMerged([a, b], 4, 1e9)?.lines.map(seqOfLine)).toEqual([5, 6]);
    expect(takeMerged([a, b], 4, 1e9)).toBeUndefined();
  });

  it('cuts batches of big records by size, always taking at least one', () => {
    const big = new ContextQueue(100, 'big');
    for (let seq = 1; seq <= 5; seq++) big.push(`{"seq":${seq},"x":"${'x'.repeat(1000)}"}`, seq);
    expect(takeMerged([big], 100, 2500)?.lines.map(seqOfLine)).toEqual([1, 2, 3]);
    expect(takeMerged([big], 100, 10)?.lines.map(seqOfLine)).toEqual([4]);
    const other = queue('other', [6]);
    expect(takeMerged([big, other], 100, 10)?.lines.map(seqOfLine)).toEqual([5]);
  });

  it('slices a single queue without merging', () => {
    const a = queue('a', [10, 11, 12]);
    const taken = takeMerged([a, queue('empty', [])], 2, 1e9);
    expect(taken).toMatchObject({ firstSeq: 10, lastSeq: 11 });
    expect(a.headSeq()).toBe(12);
  });
});

describe('ContextQueue', () => {
  it('evicts its oldest record and reports its seq', () => {
    const q = queue('a', [1, 2, 3]);
    expect(q.evictOldest()).toBe(1);
    expect(q.size).toBe(2);
    expect(q.take(10).map(seqOfLine)).toEqual([2, 3]);
    expect(q.size).toBe(0);
    expect(q.headSeq()).toBe(Number.POSITIVE_INFINITY);
  });

  it('grows only to what is queued at once, keeping order across the wrap', () => {
    const q = new ContextQueue(100_000, 'a');
    for (let i = 1; i <= 50_000; i++) {
      q.push(`{"seq":${i}}`, i);
      if (q.size > 100) q.shift();
    }
    expect(q.size).toBe(100);
    expect(q.slots).toBe(128);
    expect(q.take(1000).map(seqOfLine)).toEqual(Array.from({ length: 100 }, (_, i) => 49_901 + i));
    for (let i = 1; i <= 300; i++) q.push(`{"seq":${i}}`, i);
    expect(q.take(1000).map(seqOfLine)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });
});
