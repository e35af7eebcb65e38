import { describe, expect, it } from 'vitest';
import { jsonText } from './json.js';

/** `value` wrapped in `depth` objects and arrays, taking turns. */
function nest(value: unknown, depth: number): unknown {
  let out = value;
  for (let i = 0; i < depth; i++) out = i % 2 === 0 ? { k: out, n: i } : [out, null];
  return out;
}

describe('jsonText', () => {
  it('writes what JSON.stringify writes', () => {
    const value = { a: [1, 'two', null, true, Number.NaN, undefined], b: undefined, 'q"k': { c: 'é\n\u202e' } };
    expect(jsonText(value)).toBe(JSON.stringify(value));
    expect(jsonText('x')).toBe('"x"');
    expect(jsonText(undefined)).toBeUndefined();
  });

  it('writes values nested deeper than JSON.stringify can, as the same text', () => {
    const base = { end: [1, undefined, 'z'], gone: undefined };
    const deep = nest(base, 100_000);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    let expected = JSON.stringify(base);
    for (let i = 0; i < 100_000; i++) expected = i % 2 === 0 ? `{"k":${expected},"n":${i}}` : `[${expected},null]`;
    expect(jsonText(deep)).toBe(expected);
  });
});
