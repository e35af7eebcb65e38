import { describe, expect, it } from 'vitest';
import { isEmptyQuery, parseQuery } from './query.js';

describe('parseQuery', () => {
  it('splits words, phrases and conditions', () => {
    expect(parseQuery('Timeout "disk FULL" status>=500 user_id=42 tag:training')).toEqual({
      terms: ['timeout', 'disk full'],
      conditions: [
        { key: 'status', op: '>=', value: '500' },
        { key: 'user_id', op: '=', value: '42' },
        { key: 'tag', op: '=', value: 'training' },
      ],
    });
  });

  it('reads every operator and quoted values with spaces', () => {
    const q = parseQuery('a!=1 b>2 c<3 d<=4 req.path="/a b"');
    expect(q.conditions.map((c) => c.op)).toEqual(['!=', '>', '<', '<=', '=']);
    expect(q.conditions[4]).toEqual({ key: 'req.path', op: '=', value: '/a b' });
  });

  it('treats things that only look like conditions as terms', () => {
    expect(parseQuery('=5 a= http://x').terms).toEqual(['=5', 'a=', 'http://x']);
  });

  it('is empty for blank text', () => {
    expect(isEmptyQuery(parseQuery('   '))).toBe(true);
    expect(isEmptyQuery(parseQuery('x'))).toBe(false);
  });
});
