import { describe, expect, it } from 'vitest';
import { Encoder } from './encode/encoder.js';
import { encodeMessage } from './encode/json.js';

const encodeFields = (fields: unknown) => new Encoder().encodeFields(fields);

import { DEFAULT_LIMITS, serializeError, serializeRepeated, toJsonSafe } from './serialize.js';

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

  it('truncates huge strings and says how long they were', () => {
    const huge = 'x'.repeat(5_000_000);
    const out = toJsonSafe({ huge }) as { huge: string };
    expect(out.huge.length).toBeLessThan(DEFAULT_LIMITS.maxStringLength + 100);
    expect(out.huge).toContain('[truncated, 5000000 chars]');
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

  it('keeps a non-object in the fields position', () => {
    expect(JSON.parse(encodeFields(42))).toEqual({ value: 42 });
  });

  it('encodes messages of any type as bounded JSON strings', () => {
    expect(JSON.parse(encodeMessage({ a: 1 }))).toBe('{"a":1}');
    expect(JSON.parse(encodeMessage(undefined))).toBe('undefined');
  });
});
