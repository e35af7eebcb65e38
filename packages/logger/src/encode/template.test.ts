import type { LevelName } from '@pulselog/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryPipeline, testSetup } from '../core/test-support.js';
import { Logger } from '../logger.js';
import { DEFAULT_LIMITS } from '../serialize.js';
import { Encoder } from './encoder.js';
import { joinObjects } from './json.js';
import { type SpanIds, Template } from './template.js';

type Flat = Record<string, number | string | boolean | null>;

/** What the text path writes after a record's time: the reference a template record must match byte for byte. */
function textTail(
  level: LevelName,
  msg: string,
  fields: Record<string, unknown> | undefined,
  prefix: string | undefined,
  tag?: string,
) {
  const encoder = new Encoder();
  const json = joinObjects(prefix, fields === undefined ? undefined : encoder.encodeFields(fields));
  return encoder.tail(level, msg, json, tag, undefined, undefined);
}

/** A line's text after `{"seq":N,"ts":T`. */
const tailOf = (line: string) => line.replace(/^\{"seq":\d+,"ts":\d+\.\d{3}/, '');

const flatValue = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', 'plain', 'with "quotes"', 'line\nbreak', '\u0000', '\ud800', '😀', '<img src=x>'),
  fc.boolean(),
  fc.constant(null),
);
/** A few keys, so that shapes repeat and change between calls, plus keys that need escaping. */
const flatKey = fc.oneof(fc.constantFrom('a', 'b', 'user_id', 'k"q', 'n\\l', '\u2028', '__proto__x'), fc.string());
const flatFields = fc.dictionary(flatKey, flatValue, { maxKeys: 6 });
/** Fields with objects and arrays inside, empty ones too, as a call site passes its state. */
const nestedValue = fc.oneof(
  flatValue,
  fc.array(flatValue, { maxLength: 4 }),
  fc.dictionary(flatKey, fc.oneof(flatValue, fc.array(flatValue, { maxLength: 3 })), { maxKeys: 3 }),
);
const nestedFields = fc.dictionary(flatKey, nestedValue, { maxKeys: 5 });

describe('template records', () => {
  it('are written exactly as the text path writes them, for generated flat and nested fields', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('templates', testSetup(sink));
    const child = log.child({ request_id: 'r-1', attempt: 2 });
    const expected: string[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            msg: fc.constantFrom('request done', 'epoch', 'a "quoted" message', '', 'ünïcode ✓'),
            level: fc.constantFrom<LevelName>('debug', 'info', 'warning', 'error', 'critical'),
            fields: fc.option(fc.oneof(flatFields, nestedFields), { nil: undefined }),
            child: fc.boolean(),
            tag: fc.option(fc.constantFrom('training', 'va"l'), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (calls) => {
          for (const call of calls) {
            const target = call.child ? child : log;
            const tag = call.tag;
            const run = () => {
              // Each call twice: the first of a message goes as text, the ones after it as a template.
              for (let n = 0; n < 2; n++) {
                target[call.level](call.msg, call.fields);
                const prefix = call.child ? '{"request_id":"r-1","attempt":2}' : undefined;
                expected.push(textTail(call.level, call.msg, call.fields, prefix, tag));
              }
            };
            if (tag === undefined) run();
            else await log.context(tag, async () => run());
          }
        },
      ),
      { numRuns: 300 },
    );
    await log.flush();
    expect(sink.lines.length).toBe(expected.length);
    expect(sink.lines.map(tailOf)).toEqual(expected);
    // Every line is JSON, and template batches really were used.
    for (const line of sink.lines) JSON.parse(line);
    expect(sink.batches.some((b) => b.packed.templates !== undefined)).toBe(true);
    await log.shutdown();
  });

  it('name the keys read, not those of the template last used, after a call that stopped half way', () => {
    const encoder = new Encoder();
    const encode = (fields: object) =>
      encoder.encode('info', 'state', fields, undefined, undefined, undefined, {
        tag: undefined,
        fieldsJson: undefined,
      });
    // Each parts from `{ a, b }` at another place: shorter, another key, another kind.
    const shapes = [{ a: 1 }, { a: 1, c: 2 }, { a: 1, b: 'x' }];
    for (const shape of shapes) {
      for (let i = 0; i < 3; i++) encode({ a: 1, b: 2 });
      // Read as far as `n`, then sent down another path: the keys it had read are left behind.
      encode({ z: 1, n: {} });
      // The message's fields are tried as flat again within 64 calls: every flat template made is the shape's.
      const flat = new Set<Template>();
      for (let i = 0; i < 70; i++) {
        const encoded = encode(shape);
        if (encoded instanceof Template && encoded.keys.length > 0) flat.add(encoded);
      }
      expect(flat.size).toBeGreaterThan(0);
      for (const template of flat) {
        expect(template.keys).toEqual(Object.keys(shape));
        expect(template.kinds).toBe(
          Object.values(shape)
            .map((v) => (typeof v === 'string' ? 's' : 'n'))
            .join(''),
        );
      }
    }
  });

  it('add an active span to the keys read, not to those of another call', () => {
    let span: SpanIds | undefined;
    const encoder = new Encoder(undefined, DEFAULT_LIMITS, () => span);
    const context = { tag: undefined, fieldsJson: undefined };
    const encode = (msg: string, fields: object) =>
      encoder.encode('info', msg, fields, undefined, undefined, undefined, context);
    encode('first', { a: 1, b: 2 });
    expect(encode('first', { a: 1, b: 2 })).toBeInstanceOf(Template);
    encode('second', { c: 1, d: 2 });
    span = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 };
    const traced = encode('first', { a: 1, b: 2 });
    expect(traced).toBeInstanceOf(Template);
    expect((traced as Template).keys).toEqual(['a', 'b', 'trace_id', 'span_id', 'trace_flags']);
  });

  it('keep the values of the moment of the call', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('templates', testSetup(sink));
    const fields: Flat = { step: 0, phase: 'warmup', ok: false };
    for (let step = 0; step < 5; step++) {
      fields.step = step;
      fields.phase = `phase ${step}`;
      fields.ok = step % 2 === 1;
      log.info('progress', fields);
    }
    fields.step = 99;
    await log.flush();
    expect(sink.parsed().map((r) => r.fields)).toEqual(
      Array.from({ length: 5 }, (_, step) => ({ step, phase: `phase ${step}`, ok: step % 2 === 1 })),
    );
    await log.shutdown();
  });

  it('keep their values apart from other records through eviction and merging', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('templates', testSetup(sink, { queueSize: 50 }));
    sink.holding = true;
    const logMixed = (i: number, who: string) => {
      // Flat fields (a template), nested fields (text) and no fields at all, interleaved.
      if (i % 3 === 0) log.info('flat', { i, who, even: i % 2 === 0 });
      else if (i % 3 === 1) log.info('nested', { i, who, inner: { i } });
      else log.info(`bare ${who} ${i}`);
    };
    await Promise.all(
      ['x', 'y'].map((who) =>
        log.context(who, async () => {
          for (let i = 0; i < 500; i++) {
            logMixed(i, who);
            if (i % 7 === 0) await Promise.resolve();
          }
        }),
      ),
    );
    sink.holding = false;
    await log.flush();
    const records = sink.parsed();
    // Each context kept its newest 50; every record still carries its own values.
    expect(records.length).toBe(100);
    expect(log.stats().dropped).toBe(900);
    const seqs = records.map((r) => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (const r of records) {
      if (r.msg === 'flat')
        expect(r.fields).toEqual({ i: r.fields?.i, who: r.tag, even: (r.fields?.i as number) % 2 === 0 });
      else if (r.msg === 'nested') expect(r.fields).toEqual({ i: r.fields?.i, who: r.tag, inner: { i: r.fields?.i } });
      else expect(r.msg).toMatch(new RegExp(`^bare ${r.tag} \\d+$`));
      if (r.fields) expect(r.fields.i as number).toBeGreaterThanOrEqual(450);
    }
    await log.shutdown();
  });
});
