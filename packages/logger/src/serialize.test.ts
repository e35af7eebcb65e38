import { describe, expect, it } from 'vitest';
import { Encoder } from './encode/encoder.js';
import { ValueWriter } from './encode/json.js';
import {
  BUDGET_MARKER,
  DEFAULT_LIMITS,
  encodeJson,
  isPlainJson,
  limitsFor,
  SerializeBudget,
  serializeError,
  serializeRepeated,
  toJsonSafe,
} from './serialize.js';

const encodeFields = (fields: unknown) => new Encoder().encodeFields(fields);

describe('toJsonSafe', () => {
  it('replaces cycles with a marker', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(toJsonSafe(a)).toEqual({ name: 'a', self: '[Circular]' });
  });

  it('writes values JSON cannot hold as readable text', () => {
    const out = toJsonSafe({
      big: 10n,
      sym: Symbol('s'),
      fn: function named() {},
      undef: undefined,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      date: new Date(0),
      map: new Map([['k', 1]]),
      set: new Set([1, 2]),
      buf: Buffer.alloc(1000),
    });
    expect(out).toEqual({
      big: '10n',
      sym: 'Symbol(s)',
      fn: '[Function named]',
      undef: '[undefined]',
      nan: 'NaN',
      inf: 'Infinity',
      date: '1970-01-01T00:00:00.000Z',
      map: { k: 1 },
      set: [1, 2],
      buf: '[Buffer 1000 bytes]',
    });
  });

  it('survives throwing getters, throwing toJSON and revoked proxies', () => {
    const getter = Object.defineProperty({}, 'bad', {
      enumerable: true,
      get() {
        throw new Error('nope');
      },
    });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const out = toJsonSafe({
      getter,
      json: {
        toJSON() {
          throw new Error('boom');
        },
      },
      proxy,
    });
    expect(out).toEqual({
      getter: { bad: '[getter threw: nope]' },
      json: '[toJSON threw: boom]',
      proxy: '[unserializable]',
    });
  });

  it('cuts deep nesting at the depth limit', () => {
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 10_000; i++) {
      const next = {};
      deep.next = next;
      deep = next;
    }
    const text = JSON.stringify(toJsonSafe(root));
    expect(text).toContain('[Object]');
    expect(text.length).toBeLessThan(500);
  });

  it('truncates strings past maxStringLength and says how long they were', () => {
    const limits = limitsFor(1000);
    const out = toJsonSafe({ huge: 'x'.repeat(5000) }, limits) as { huge: string };
    expect(out.huge).toBe(`${'x'.repeat(1000)}…[truncated, 5000 chars]`);
  });
});

describe('encodeJson', () => {
  it('keeps a 10 MB field whole by default', () => {
    const body = 'x'.repeat(10_000_000);
    const text = encodeJson({ body, n: 1 });
    expect(text.length).toBe(body.length + '{"body":"","n":1}'.length);
    expect((JSON.parse(text) as { body: string }).body).toBe(body);
  });

  it('cuts a 100 MB key to about 1 KiB and counts it', () => {
    const key = 'k'.repeat(100_000_000);
    const budget = new SerializeBudget();
    const text = encodeJson({ [key]: 1, ok: true }, DEFAULT_LIMITS, budget);
    expect(text.length).toBeLessThan(2048);
    expect(JSON.parse(text)).toEqual({ [`${'k'.repeat(1024)}…[truncated, 100000000 chars]`]: 1, ok: true });
    expect(budget.keysCut).toBe(1);
  });

  it('serializes a value of 100M leaves through shared references within its node budget', () => {
    // Four levels of 100 references to one array: a few kB of memory, 100^4 leaves by path.
    let bomb: unknown = 7;
    for (let level = 0; level < 4; level++) bomb = Array.from({ length: 100 }, () => bomb);
    expect(isPlainJson(bomb)).toBe(false);
    const budget = new SerializeBudget();
    const text = encodeJson({ bomb }, DEFAULT_LIMITS, budget);
    expect(budget.nodes).toBeLessThanOrEqual(DEFAULT_LIMITS.maxNodes);
    expect(budget.cut).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(DEFAULT_LIMITS.maxNodes * 8);
    expect(text).toContain(BUDGET_MARKER);
    // What fits the budget is kept as it was, in order.
    expect((JSON.parse(text) as { bomb: number[][][][] }).bomb[0]?.[0]?.[0]?.slice(0, 3)).toEqual([7, 7, 7]);
  });

  it('stops at the output budget, across every value of one record', () => {
    const limits = { ...limitsFor(1000), maxOutput: 10_000 };
    const budget = new SerializeBudget(limits);
    const chunk = 'y'.repeat(1000);
    const first = encodeJson({ a: Array.from({ length: 100 }, () => chunk) }, limits, budget);
    expect(first.length).toBeLessThan(limits.maxOutput + 1000);
    expect(budget.cut).toBeGreaterThan(0);
    // The record's budget is spent: its next value leaves as the marker.
    expect(encodeJson({ more: chunk, x: new Map() }, limits, budget)).toBe(JSON.stringify(BUDGET_MARKER));
  });

  it('makes a wide object reached by many paths spend the budget on its keys', () => {
    // 200,000 keys, reachable by 10,000 paths: listing its keys each time would be 2e9 steps.
    const wide: Record<string, number> = {};
    for (let k = 0; k < 200_000; k++) wide[`k${k}`] = k;
    const value = Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => wide));
    const budget = new SerializeBudget();
    const text = encodeJson(value, DEFAULT_LIMITS, budget);
    expect(budget.nodes).toBeLessThan(DEFAULT_LIMITS.maxNodes + 200_000);
    expect(text).toContain(BUDGET_MARKER);
    const first = (JSON.parse(text) as Record<string, unknown>[][])[0]?.[0] as Record<string, unknown>;
    expect(first.k0).toBe(0);
    expect(first['…']).toBe(`${200_000 - DEFAULT_LIMITS.maxKeys} more keys`);
  });

  it('pays for the text of an error each time it is reached', () => {
    const err = new Error('m'.repeat(1_000_000));
    const limits = limitsFor(2_000_000);
    const budget = new SerializeBudget(limits);
    const text = encodeJson({ errors: Array.from({ length: 100 }, () => [err, err]) }, limits, budget);
    expect(text.length).toBeLessThan(limits.maxOutput + 2_000_000);
    expect(text).toContain(BUDGET_MARKER);
    expect(budget.cut).toBeGreaterThan(0);
  });

  it('writes a Map key that is not a string from the same budget, and cuts long symbols', () => {
    const budget = new SerializeBudget(limitsFor(1000));
    const key = { id: 1 };
    const out = toJsonSafe(
      new Map<unknown, unknown>([
        [key, 'a'],
        ['s', Symbol('d'.repeat(5000))],
      ]),
      budget.limits,
      budget,
    ) as Record<string, string>;
    expect(out['{"id":1}']).toBe('a');
    expect(out.s).toBe(`${'Symbol('.concat('d'.repeat(993))}…[truncated, 5008 chars]`);
    expect(budget.stringsCut).toBe(1);
  });

  it('writes plain data exactly as JSON.stringify does', () => {
    const value = { a: [1, 'two', null, { b: true }], c: 'é\u2028"' };
    expect(encodeJson(value)).toBe(JSON.stringify(value));
    expect(isPlainJson(value)).toBe(true);
  });
});

describe('serializeError', () => {
  it('keeps name, message, stack, code and the cause chain', () => {
    const err = Object.assign(new TypeError('outer', { cause: new Error('inner') }), { code: 'E_OUTER' });
    const out = serializeError(err);
    expect(out).toMatchObject({ name: 'TypeError', message: 'outer', code: 'E_OUTER', cause: { message: 'inner' } });
    expect(out.stack).toContain('TypeError: outer');
  });
});

describe('serializeRepeated', () => {
  it('gives the same result again while the error holds the same values, and a fresh one once it changes', () => {
    const make = () => Object.assign(new Error('down', { cause: new Error('refused') }), { code: 'E_DOWN' });
    const first = make();
    const a = serializeRepeated(first);
    expect(a).toEqual(serializeError(first));
    expect(serializeRepeated(first)).toBe(a);
    // Another error with the same values, from the same place (stack included), is the same failure again.
    const errors = Array.from({ length: 2 }, make);
    const b = serializeRepeated(errors[0]);
    expect(serializeRepeated(errors[1])).toBe(b);
    expect(b.stack).not.toBe(a.stack);
    // A change anywhere, the cause chain included, is seen at the next call.
    (errors[1] as Error).message = 'still down';
    expect(serializeRepeated(errors[1])).toMatchObject({ message: 'still down', cause: { message: 'refused' } });
    ((errors[1] as Error).cause as Error).message = 'timed out';
    expect(serializeRepeated(errors[1])).toMatchObject({ message: 'still down', cause: { message: 'timed out' } });
    Object.assign(errors[1] as Error, { code: 42 });
    expect(serializeRepeated(errors[1])).toMatchObject({ code: 42 });
    expect(serializeRepeated('not an error')).toEqual({ name: 'NonError', message: 'not an error' });
  });
});

describe('encodeFields', () => {
  it('encodes flat objects exactly', () => {
    expect(encodeFields({ user_id: 1, latency_ms: 12.5, ok: true, who: 'me', none: null })).toBe(
      '{"user_id":1,"latency_ms":12.5,"ok":true,"who":"me","none":null}',
    );
  });

  it('writes flat fields holding one string many times within the output budget', () => {
    const limits = { ...limitsFor(1000), maxOutput: 10_000 };
    const encoder = new Encoder(undefined, limits);
    const shared = 'z'.repeat(1000);
    const fields = Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`f${k}`, shared]));
    const text = encoder.encodeFields(fields);
    expect(text.length).toBeLessThan(limits.maxOutput + 2000);
    expect(text).toContain(BUDGET_MARKER);
    expect(encoder.values.cuts).toBeGreaterThan(0);
  });

  it('keeps a non-object in the fields position', () => {
    expect(JSON.parse(encodeFields(42))).toEqual({ value: 42 });
  });

  it('encodes messages of any type as bounded JSON strings', () => {
    const writer = new ValueWriter();
    expect(JSON.parse(writer.message({ a: 1 }))).toBe('{"a":1}');
    expect(JSON.parse(writer.message(undefined))).toBe('undefined');
  });
});
