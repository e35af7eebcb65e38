import { parseQuery } from '@pulselog/shared/query';
import { describe, expect, it } from 'vitest';

import { isQueryKey, queryValue, refineQuery } from './refine.js';

describe('refineQuery', () => {
  it('adds a condition, or its negation, once', () => {
    expect(refineQuery('', 'status', 503)).toBe('status=503');
    expect(refineQuery('GET', 'service', 'api')).toBe('GET service=api');
    expect(refineQuery('GET service=api', 'service', 'api')).toBe('GET service=api');
    expect(refineQuery('GET service=api', 'service', 'api', true)).toBe('GET -service=api');
    expect(refineQuery('GET -service=api', 'service', 'api')).toBe('GET service=api');
  });

  it('quotes what would read otherwise, and the query reads the value back', () => {
    for (const value of ['/orders/17', 'disk full', '*', '-1x', 'a(b', 'http://x/y']) {
      const cond = parseQuery(refineQuery('', 'path', value)).conditions[0];
      expect(cond, value).toEqual({ key: 'path', op: '=', value });
    }
    expect(queryValue(true)).toBe('true');
    expect(queryValue(null)).toBe('null');
    expect(queryValue(0.1)).toBe('0.1');
  });

  it('names only keys the query language can read', () => {
    expect(isQueryKey('err.code')).toBe(true);
    expect(isQueryKey('content-type')).toBe(true);
    expect(isQueryKey('a b')).toBe(false);
  });
});
