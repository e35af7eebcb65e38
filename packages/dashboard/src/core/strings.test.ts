import { describe, expect, it } from 'vitest';
import { FIELD_STRINGS, MAX_INTERNED_LENGTH, memoByString, StringTable } from './strings.js';

describe('StringTable', () => {
  it('numbers each distinct short string once and reads it back', () => {
    const table = new StringTable();
    const a = table.id('api');
    expect(table.id('web')).not.toBe(a);
    expect(table.id('api')).toBe(a);
    expect(table.get(a)).toBe('api');
    expect(table.id('x'.repeat(MAX_INTERNED_LENGTH + 1))).toBe(-1);
  });
});

describe('memoByString', () => {
  it('tests each distinct value once and remembers the outcome', () => {
    const seen: string[] = [];
    const test = memoByString((value) => {
      seen.push(value);
      return value.startsWith('a');
    });
    // Ids of the page's table, as a column would hold them.
    const api = FIELD_STRINGS.id('api-memo');
    const web = FIELD_STRINGS.id('web-memo');
    expect([test(api), test(web), test(api), test(web)]).toEqual([true, false, true, false]);
    expect(seen).toEqual(['api-memo', 'web-memo']);
  });
});
