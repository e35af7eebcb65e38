import { LEVEL_NAMES } from '@pulselog/shared';
import { ALL, type FilterState } from '@pulselog/shared/query';
import { describe, expect, it } from 'vitest';
import { filterFromAddress, filterFromParams, filterToAddress, filterToParams, MAX_SEARCH } from './address.js';

const filter = (query: string, extra: Partial<FilterState> = {}): FilterState => ({ ...ALL, query, ...extra });

describe('filterToAddress', () => {
  it('keeps a short filter in the search part, shareable as before', () => {
    const address = filterToAddress(filter('status>=500', { from: 5 }), { search: '?x=1', hash: '#y=2' });
    expect(address).toEqual({ search: '?x=1&q=status%3E%3D500&from=5', hash: '#y=2' });
    expect(filterFromAddress(address)).toEqual(filter('status>=500', { from: 5 }));
  });

  it('moves a long filter to the fragment, which no request carries, and back when it shortens', () => {
    const long = `user_id=42 ${'epoch '.repeat(3500)}`.trim();
    const levels = new Set(LEVEL_NAMES.filter((l) => l !== 'debug'));
    const address = filterToAddress(filter(long, { levels }), { search: '?x=1&q=old', hash: '#y=2' });
    expect(address.search).toBe('?x=1');
    expect(address.hash.startsWith('#y=2&levels=')).toBe(true);
    expect(filterFromAddress(address)).toEqual(filter(long, { levels }));
    const back = filterToAddress(filter('short'), address);
    expect(back).toEqual({ search: '?x=1&q=short', hash: '#y=2' });
  });

  it('puts a filter in the fragment exactly when the search part would pass its limit', () => {
    const fits = 'a'.repeat(MAX_SEARCH - '?q='.length);
    expect(filterToAddress(filter(fits), { search: '', hash: '' }).search).toBe(`?q=${fits}`);
    expect(filterToAddress(filter(`${fits}a`), { search: '', hash: '' })).toEqual({ search: '', hash: `#q=${fits}a` });
  });

  it('reads no filter from an address without one', () => {
    expect(filterFromAddress({ search: '', hash: '' })).toEqual(ALL);
    expect(filterToAddress(ALL, { search: '?q=x', hash: '#q=y' })).toEqual({ search: '', hash: '' });
  });
});

describe('filter in the URL', () => {
  it('round-trips through search parameters and leaves defaults out', () => {
    const filter: FilterState = { levels: new Set(['warning', 'error']), query: 'status>=500 "a b"', from: 10, to: 20 };
    const params = filterToParams(filter, new URLSearchParams('keep=1'));
    expect(params.get('keep')).toBe('1');
    expect(filterFromParams(new URLSearchParams(params.toString()))).toEqual(filter);
    expect(filterToParams(ALL).toString()).toBe('');
  });

  it('falls back to defaults for malformed values', () => {
    const filter = filterFromParams(new URLSearchParams('levels=loud,warn&from=abc'));
    expect([...filter.levels]).toEqual(['warning']);
    expect(filter.from).toBeUndefined();
  });
});
