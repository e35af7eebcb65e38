import { LINES_HEAD } from '@pulselog/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPacked, ownedFrame, PackedFormatter } from './format.js';
import type { PackedRecords } from './packed.js';

/** A record as a test describes it: its seq, its time, and either a text tail or a template and its values. */
type Spec =
  | { seq: number; t: number; tail: string }
  | { seq: number; t: number; template: number; values: (number | boolean | string | null)[] };

/** Templates with every kind of value: numbers, booleans, strings and a kind the formatter prints as null. */
const TEMPLATES = [
  { kinds: '', parts: [',"level":"info","msg":"hello world"}'] },
  {
    kinds: 'nnn',
    parts: [',"level":"info","msg":"request done","fields":{"user_id":', ',"latency_ms":', ',"status":', '}}'],
  },
  { kinds: 'sbx', parts: [',"level":"warn","msg":"ü ✓","fields":{"name":', ',"ok":', ',"gone":', '}}'] },
];

/** The packed form of `specs`, as the logging thread's builder makes it (a repeated tail as -2). */
function pack(specs: Spec[], origin: number): PackedRecords {
  const st = new Float64Array(2 * specs.length);
  const forms = new Int32Array(specs.length);
  const tails: string[] = [];
  const nums: number[] = [];
  const strs: string[] = [];
  specs.forEach((spec, i) => {
    st[2 * i] = spec.seq;
    st[2 * i + 1] = spec.t;
    if ('tail' in spec) {
      forms[i] = tails.length > 0 && tails[tails.length - 1] === spec.tail ? -2 : -1;
      if (forms[i] === -1) tails.push(spec.tail);
      return;
    }
    forms[i] = spec.template;
    for (const value of spec.values) {
      if (typeof value === 'string') strs.push(value);
      else if (typeof value === 'number') nums.push(value);
      else if (typeof value === 'boolean') nums.push(value ? 1 : 0);
    }
  });
  const templates = TEMPLATES.map(({ kinds, parts }) => [kinds, ...parts].join('\n'));
  const joined = tails.join('\n');
  return {
    st,
    origin,
    tails: joined,
    forms,
    templates,
    nums: new Float64Array(nums),
    strs,
    chars: joined.length,
    sent: joined.length,
  };
}

/** The line of `spec` as the format says it is: seq, time cut to the µs, then the tail with values as JSON prints them. */
function expectedLine(spec: Spec, origin: number): string {
  const t = origin + spec.t;
  const ms = Math.floor(t);
  const us = ((t - ms) * 1000) | 0;
  let tail: string;
  if ('tail' in spec) tail = spec.tail;
  else {
    const { parts } = TEMPLATES[spec.template] as (typeof TEMPLATES)[number];
    tail = parts[0] as string;
    spec.values.forEach((value, i) => {
      tail += (value === undefined ? 'null' : JSON.stringify(value)) + parts[i + 1];
    });
  }
  return `{"seq":${spec.seq},"ts":${ms}.${String(us).padStart(3, '0')}${tail}\n`;
}

const text = fc.string({
  unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '\n', '\u0001', 'é', '日', '\ud83d', '\ude00'),
});
const number = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 12.5, 2 ** 32, 2 ** 53, -(2 ** 40), 1e21, 5e-324),
);
/**
 * Values from small pools, so that a template's next record often has the
 * same values, or others as wide: the formatter then writes over its last
 * line (and must not when a width, or a boolean, changes).
 */
const pooledNumber = fc.constantFrom(100, 101, 199, 12.5, 13.5, 2.25, -12, -13, 0, -0, 9, 10, 2 ** 32, 1e21);
const pooledText = fc.constantFrom('ab', 'cd', 'a"', 'é!', 'abc', '', 'x\n', 'ok');
const record = fc.oneof(
  fc.record({ kind: fc.constant(1 as const), values: fc.tuple(pooledNumber, pooledNumber, pooledNumber) }),
  fc.record({ kind: fc.constant(2 as const), values: fc.tuple(pooledText, fc.boolean()) }),
  fc.record({
    kind: fc.constant('tail' as const),
    tail: fc.constantFrom(',"level":"info","msg":"a"}', ',"msg":"ü ✓ 日本"}', '}', ''),
  }),
  fc.record({ kind: fc.constant(0 as const) }),
  fc.record({ kind: fc.constant(1 as const), values: fc.tuple(number, number, number) }),
  fc.record({ kind: fc.constant(2 as const), values: fc.tuple(text, fc.boolean()) }),
);

/** Specs with seqs counting up (with jumps and digit carries) and times running on, some sharing a millisecond. */
const batch = fc
  .record({
    firstSeq: fc.constantFrom(1, 9, 99_998, 2 ** 31 - 2, 2 ** 40),
    records: fc.array(fc.record({ record, jump: fc.nat(3), dt: fc.constantFrom(0, 0.001, 0.4567, 1, 1000.0005) }), {
      maxLength: 120,
    }),
  })
  .map(({ firstSeq, records }) => {
    let seq = firstSeq;
    let t = 1234.5678;
    return records.map(({ record: r, jump, dt }): Spec => {
      seq += jump === 3 ? 1000 : 1;
      t += dt;
      if (r.kind === 'tail') return { seq, t, tail: r.tail };
      if (r.kind === 0) return { seq, t, template: 0, values: [] };
      if (r.kind === 1) return { seq, t, template: 1, values: r.values };
      return { seq, t, template: 2, values: [...r.values, null] };
    });
  });

describe('PackedFormatter', () => {
  it('writes each record as the format says, into one frame, batch after batch', () => {
    const formatter = new PackedFormatter();
    fc.assert(
      // Origin 0: the time's milliseconds gain digits as it runs on.
      fc.property(
        fc.array(batch, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(1_700_000_000_000.123, 0),
        (batches, origin) => {
          for (const specs of batches) {
            const frame = formatter.frame(pack(specs, origin));
            const lines = frame.toString('utf8');
            expect(lines).toBe(LINES_HEAD + specs.map((spec) => expectedLine(spec, origin)).join(''));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('prints lines that parse, with the values logged', () => {
    const specs: Spec[] = [
      { seq: 1, t: 0.5, template: 1, values: [-7, 12.5, 2 ** 32] },
      { seq: 2, t: 0.5, template: 2, values: ['line\nbreak "quoted" \ud800', false, null] },
      { seq: 10, t: 1.25, tail: ',"level":"error","msg":"日本","fields":{"x":1}}' },
      { seq: 11, t: 2, tail: ',"level":"error","msg":"日本","fields":{"x":1}}' },
    ];
    const lines = formatPacked(pack(specs, 1_700_000_000_000)).trimEnd().split('\n');
    const records = lines.map((line) => JSON.parse(line));
    expect(records.map((r) => r.seq)).toEqual([1, 2, 10, 11]);
    expect(records[0].fields).toEqual({ user_id: -7, latency_ms: 12.5, status: 2 ** 32 });
    expect(records[1].fields).toEqual({ name: 'line\nbreak "quoted" \ud800', ok: false, gone: null });
    expect(records[3].msg).toBe('日本');
    expect(lines[1]).toContain('\\ud800');
    expect(records[2].ts).toBe(1_700_000_000_001.25);
  });

  it('counts a counter up in place across carries, new digits and signs', () => {
    const formatter = new PackedFormatter();
    const counters = [
      ...Array.from({ length: 30 }, (_, i) => 90 + i),
      ...Array.from({ length: 12 }, (_, i) => 995 + i),
      -3,
      -2,
      -1,
      -0,
      1,
      2,
      9,
      10,
      11,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 32 + 1,
      2 ** 53 - 2,
      2 ** 53 - 1,
      0.5,
      1.5,
    ];
    const specs: Spec[] = counters.map((n, i) => ({ seq: i + 1, t: i * 0.25, template: 1, values: [n, n + 1, 7] }));
    expect(formatter.frame(pack(specs, 1_700_000_000_000)).toString('utf8')).toBe(
      LINES_HEAD + specs.map((spec) => expectedLine(spec, 1_700_000_000_000)).join(''),
    );
  });

  it('writes the records of a template whole around one too long to keep for the next', () => {
    const formatter = new PackedFormatter();
    const long = 'y'.repeat(10_000);
    const specs: Spec[] = ['ab', long, 'cd', long, long, 'ab'].map((text, i) => ({
      seq: i + 1,
      t: i,
      template: 2,
      values: [text, true, null],
    }));
    expect(formatter.frame(pack(specs, 0)).toString('utf8')).toBe(
      LINES_HEAD + specs.map((spec) => expectedLine(spec, 0)).join(''),
    );
  });

  it('grows its buffer for a batch larger than it, and keeps the head', () => {
    const long = `,"msg":"${'x'.repeat(100_000)}"}`;
    const specs: Spec[] = Array.from({ length: 5 }, (_, i) => ({ seq: i + 1, t: i, tail: i === 2 ? '}' : long }));
    const frame = new PackedFormatter().frame(pack(specs, 0));
    expect(frame.toString('utf8')).toBe(LINES_HEAD + specs.map((spec) => expectedLine(spec, 0)).join(''));
  });

  it('formats a batch past the buffer it keeps, and the batches after it, whole', () => {
    const formatter = new PackedFormatter();
    const huge: Spec[] = [{ seq: 1, t: 0, tail: `,"msg":"${'é'.repeat(5_000_000)}"}` }];
    const small: Spec[] = [{ seq: 2, t: 1, template: 1, values: [1, 2.5, 3] }];
    expect(formatter.frame(pack(huge, 0)).toString('utf8')).toBe(LINES_HEAD + expectedLine(huge[0] as Spec, 0));
    expect(formatter.frame(pack(small, 0)).toString('utf8')).toBe(LINES_HEAD + expectedLine(small[0] as Spec, 0));
  });

  it('writes the next batch over the last: a copy made by ownedFrame keeps it', () => {
    const formatter = new PackedFormatter();
    const first = formatter.frame(pack([{ seq: 1, t: 0, template: 0, values: [] }], 0));
    const kept = ownedFrame(first);
    formatter.frame(pack([{ seq: 2, t: 0, template: 1, values: [1, 2, 3] }], 0));
    expect(first.toString('utf8')).not.toBe(kept.toString('utf8'));
    expect(kept.toString('utf8')).toBe(`${LINES_HEAD}{"seq":1,"ts":0.000,"level":"info","msg":"hello world"}\n`);
    expect(kept.buffer.byteLength).toBe(kept.length);
  });
});
