import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packTaken, type Taken } from '../batch/builder.js';
import { formatPacked } from '../batch/format.js';
import { Encoder } from '../encode/encoder.js';
import { Template } from '../encode/template.js';
import { takeMerged } from './merge.js';
import { ContextQueue } from './queue.js';

/**
 * A record's time as the logger keeps it (see `now` in `encode/json.ts`), for the
 * epoch time `ms`: exactly, since the difference of two close doubles is exact.
 */
const at = (ms: number) => ms - performance.timeOrigin;

function queue(label: string, seqs: number[]): ContextQueue {
  const q = new ContextQueue(100, label);
  for (const seq of seqs) q.push(`,"q":"${label}"}`, seq, at(1_700_000_000_000 + seq));
  return q;
}

/** The seqs of a batch, in its order. */
function seqs(taken: Taken | undefined): number[] {
  return taken ? Array.from({ length: taken.count }, (_, k) => taken.st[2 * k] as number) : [];
}

describe('takeMerged', () => {
  it('merges the queues of concurrent contexts back into one order by seq', () => {
    const a = queue('a', [1, 4, 5, 9]);
    const b = queue('b', [2, 3, 8]);
    const c = queue('c', [6, 7]);
    const taken = takeMerged([a, b, c], 100, 1e9);
    expect(seqs(taken)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // A tail the same as the one before it is not added again: its record refers to it (-2).
    expect(taken?.tails).toEqual([',"q":"a"}', ',"q":"b"}', ',"q":"a"}', ',"q":"c"}', ',"q":"b"}', ',"q":"a"}']);
    expect(Array.from(taken?.forms ?? [])).toEqual([-1, -1, -2, -1, -2, -1, -2, -1, -1]);
    expect(taken).toMatchObject({ firstSeq: 1, lastSeq: 9, count: 9 });
    expect(a.size + b.size + c.size).toBe(0);
  });

  it('takes at most max records and leaves the rest in place', () => {
    const a = queue('a', [1, 3, 5]);
    const b = queue('b', [2, 4, 6]);
    expect(seqs(takeMerged([a, b], 4, 1e9))).toEqual([1, 2, 3, 4]);
    expect(seqs(takeMerged([a, b], 4, 1e9))).toEqual([5, 6]);
    expect(takeMerged([a, b], 4, 1e9)).toBeUndefined();
  });

  it('cuts batches of big records by size, always taking at least one', () => {
    const big = new ContextQueue(100, 'big');
    for (let seq = 1; seq <= 5; seq++) big.push(`,"x":"${'x'.repeat(1000)}${seq}"}`, seq, seq);
    expect(seqs(takeMerged([big], 100, 2500))).toEqual([1, 2, 3]);
    expect(seqs(takeMerged([big], 100, 10))).toEqual([4]);
    const other = queue('other', [6]);
    expect(seqs(takeMerged([big, other], 100, 10))).toEqual([5]);
    // A big tail logged over and over is sent once a batch, so it does not cut the batch short; its size still counts in full.
    const same = `,"x":"${'x'.repeat(1000)}"}`;
    for (let seq = 7; seq <= 16; seq++) big.push(same, seq, seq);
    const taken = takeMerged([big, queue('empty', [])], 100, 2500);
    expect(seqs(taken)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(taken?.chars).toBe(10 * same.length);
    for (let seq = 17; seq <= 26; seq++) big.push(same, seq, seq);
    expect(seqs(takeMerged([big, queue('other', [27])], 100, 2500))).toEqual([
      17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27,
    ]);
  });

  it('counts the string values of template records toward the size of a batch', () => {
    const encoder = new Encoder();
    const context = { tag: undefined, fieldsJson: undefined };
    const long = new ContextQueue(100, 'long');
    for (let seq = 1; seq <= 10; seq++) {
      const entry = encoder.encode('info', 'done', { s: 'x'.repeat(1000) }, undefined, undefined, undefined, context);
      if (entry instanceof Template) long.pushTemplate(entry, seq, seq, encoder.capture);
      else if (entry !== undefined) long.push(entry, seq, seq);
    }
    // The first record goes as text (its message's first call), the rest as templates: each about 1,000 characters.
    expect(seqs(takeMerged([long], 100, 2500))).toEqual([1, 2, 3]);
  });

  it('copies a single queue without merging', () => {
    const a = queue('a', [10, 11, 12]);
    const taken = takeMerged([a, queue('empty', [])], 2, 1e9);
    expect(taken).toMatchObject({ firstSeq: 10, lastSeq: 11, count: 2 });
    expect(a.headSeq()).toBe(12);
  });
});

describe('formatPacked', () => {
  it('writes each record as one JSON line: seq, time to the microsecond, then its tail', () => {
    const st = new Float64Array([7, 1_700_000_000_123.4568, 8, 1_700_000_000_123.0022, 9, 1_700_000_000_124.0503]);
    const tails = ',"level":"info","msg":"a"}\n,"level":"error","msg":"b\\nc"}\n,"level":"info","msg":""}';
    const text = formatPacked({ st, tails, chars: tails.length, sent: tails.length });
    expect(text).toBe(
      '{"seq":7,"ts":1700000000123.456,"level":"info","msg":"a"}\n' +
        '{"seq":8,"ts":1700000000123.002,"level":"error","msg":"b\\nc"}\n' +
        '{"seq":9,"ts":1700000000124.050,"level":"info","msg":""}\n',
    );
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('repeated tails', () => {
  it('travel once a batch and print in full', () => {
    const q = new ContextQueue(100, 'a');
    const same = ',"level":"error","msg":"failed","error":{"stack":"Error: x\\n    at f (a.js:1:1)"}}';
    const expected: string[] = [];
    const pushText = (tail: string, seq: number) => {
      q.push(tail, seq, at(1_700_000_000_000 + seq));
      expected.push(`{"seq":${seq},"ts":${1_700_000_000_000 + seq}.000${tail}`);
    };
    for (let seq = 1; seq <= 5; seq++) pushText(same, seq);
    // Equal text in a different string still counts as the same tail.
    pushText([',"level":"error"', same.slice(16)].join(''), 6);
    pushText(',"level":"info","msg":"other"}', 7);
    pushText(same, 8);
    const taken = takeMerged([q], 100, 1e9) as Taken;
    expect(taken.tails).toHaveLength(3);
    expect(taken.repeats).toBe(5);
    const packed = packTaken(taken);
    expect(packed.tails.length).toBeLessThan(3 * same.length + 3);
    // Bounds on memory count what is sent; bounds on work count every record in full.
    expect(packed.sent).toBe(taken.tails.reduce((n, tail) => n + tail.length, 0) + 16 * 8);
    expect(packed.chars).toBe(expected.reduce((n, line) => n + line.length - line.indexOf(',"level"'), 0));
    expect(formatPacked(packed)).toBe(`${expected.join('\n')}\n`);
  });

  it('print exactly the records queued, however repeats fall across contexts and batches', () => {
    const pool = [',"level":"info","msg":"a"}', ',"level":"error","msg":"b","err":{"stack":"x\\ny"}}', '}'];
    // A record: its context, and its tail from the pool, as the very same string or as an equal copy.
    const record = fc.record({ queue: fc.nat(2), tail: fc.nat(pool.length - 1), copy: fc.boolean() });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 300 }), fc.integer({ min: 1, max: 64 }), (records, max) => {
        const queues = [0, 1, 2].map((n) => new ContextQueue(1000, `q${n}`));
        const expected: string[] = [];
        records.forEach(({ queue, tail, copy }, i) => {
          const text = pool[tail] as string;
          const seq = i + 1;
          (queues[queue] as ContextQueue).push(copy ? [...text].join('') : text, seq, at(1_700_000_000_000 + seq));
          expected.push(`{"seq":${seq},"ts":${1_700_000_000_000 + seq}.000${text}\n`);
        });
        let printed = '';
        for (let taken = takeMerged(queues, max, 1e9); taken; taken = takeMerged(queues, max, 1e9)) {
          printed += formatPacked(packTaken(taken));
        }
        expect(printed).toBe(expected.join(''));
      }),
      { numRuns: 300 },
    );
  });

  it('leave a batch with no repeats in the plain form', () => {
    const taken = takeMerged([queue('a', [1]), queue('b', [2])], 100, 1e9) as Taken;
    expect(packTaken(taken).forms).toBeUndefined();
  });
});

describe('ContextQueue', () => {
  it('evicts its oldest record and reports its seq', () => {
    const q = queue('a', [1, 2, 3]);
    expect(q.evictOldest()).toBe(1);
    expect(q.size).toBe(2);
    expect(seqs(takeMerged([q], 10, 1e9))).toEqual([2, 3]);
    expect(q.size).toBe(0);
    expect(q.headSeq()).toBe(Number.POSITIVE_INFINITY);
  });

  it('grows only to what is queued at once, keeping order across the wrap', () => {
    const q = new ContextQueue(100_000, 'a');
    for (let i = 1; i <= 50_000; i++) {
      q.push('}', i, i);
      if (q.size > 100) q.evictOldest();
    }
    expect(q.size).toBe(100);
    expect(q.slots).toBe(128);
    expect(seqs(takeMerged([q], 1000, 1e9))).toEqual(Array.from({ length: 100 }, (_, i) => 49_901 + i));
    for (let i = 1; i <= 300; i++) q.push('}', i, i);
    const taken = takeMerged([q], 1000, 1e9);
    expect(seqs(taken)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(taken?.st[599]).toBe(300);
  });
});
