import { describe, expect, it } from 'vitest';
import { type SpanFields, Spans } from './spans.js';

interface Written {
  level: string;
  name: string;
  fields: SpanFields;
  err?: unknown;
}

/** Spans on a clock the test moves, writing into an array. */
function setup() {
  let time = 0;
  const written: Written[] = [];
  const spans = new Spans(
    {
      record: (level, name, fields) => written.push({ level, name, fields }),
      failed: (name, err, fields) => written.push({ level: 'error', name, fields, err }),
    },
    new Map(),
    () => time,
  );
  return { spans, written, advance: (ms: number) => (time += ms) };
}

describe('Spans', () => {
  it('flags the two slow calls among 80 and no other', async () => {
    const { spans, written, advance } = setup();
    const slow = new Set([47, 71]);
    for (let i = 0; i < 80; i++) {
      // Ordinary calls take 40-70 ms, as real work jitters; two take 400 ms and more.
      const ms = slow.has(i) ? 412 + i : 40 + ((i * 13) % 31);
      await spans.run('fetch page', async () => advance(ms), { page: i });
    }
    expect(written).toHaveLength(80);
    const flagged = written.flatMap((w, i) => (w.fields.anomaly ? [i] : []));
    expect(flagged).toEqual([47, 71]);
    expect(written[47]).toMatchObject({
      level: 'warning',
      name: 'fetch page',
      fields: { page: 47, span: 'fetch page', duration_ms: 459 },
    });
    expect(written[47]?.fields.anomaly).toMatch(/^459 ms, \d+(\.\d)?x the median of 47 calls$/);
    expect(written.filter((w) => w.level === 'info')).toHaveLength(78);
  });

  it('writes an error record with the duration when the function throws, and rethrows', async () => {
    const { spans, written, advance } = setup();
    const boom = new Error('boom');
    await expect(
      spans.run('save', () => {
        advance(12.5);
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(written).toEqual([{ level: 'error', name: 'save', fields: { span: 'save', duration_ms: 12.5 }, err: boom }]);
    // A failure is no evidence of the usual time.
    expect(spans.history('save')).toEqual([]);
  });

  it('times with start/end, merging the fields of both ends, once', () => {
    const { spans, written, advance } = setup();
    const end = spans.start('epoch', { epoch: 3 });
    advance(1234.5);
    end({ loss: 0.25 });
    end({ loss: 0.5 });
    expect(written).toEqual([
      { level: 'info', name: 'epoch', fields: { epoch: 3, loss: 0.25, span: 'epoch', duration_ms: 1234.5 } },
    ]);
  });

  it('passes the result of the function through', async () => {
    const { spans } = setup();
    expect(await spans.run('sum', () => 1 + 2)).toBe(3);
    expect(await spans.run('later', async () => 'done')).toBe('done');
  });
});
