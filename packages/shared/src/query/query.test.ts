import { describe, expect, it } from 'vitest';
import { isEmptyQuery, parseQuery } from './query.js';

describe('parseQuery', () => {
  it('splits words, phrases and conditions', () => {
    const q = parseQuery('Timeout "disk FULL" status>=500 user_id=42 tag:training');
    expect(q.terms).toEqual(['timeout', 'disk full']);
    expect(q.conditions).toEqual([
      { key: 'status', op: '>=', value: '500' },
      { key: 'user_id', op: '=', value: '42' },
      { key: 'tag', op: '=', value: 'training' },
    ]);
    expect(q.rest).toEqual([]);
    expect(q.error).toBeUndefined();
  });

  it('reads every operator and quoted values with spaces', () => {
    const q = parseQuery('a!=1 b>2 c<3 d<=4 req.path="/a b"');
    expect(q.conditions.map((c) => c.op)).toEqual(['!=', '>', '<', '<=', '=']);
    expect(q.conditions[4]).toEqual({ key: 'req.path', op: '=', value: '/a b' });
  });

  it('keeps what only looks like a condition as a term', () => {
    expect(parseQuery('=5 http://x').terms).toEqual(['=5', 'http://x']);
  });

  it('reads OR, NOT, -term and parentheses with NOT tightest and OR loosest', () => {
    expect(parseQuery('a b OR c').expr).toEqual({
      type: 'or',
      items: [
        {
          type: 'and',
          items: [
            { type: 'term', text: 'a' },
            { type: 'term', text: 'b' },
          ],
        },
        { type: 'term', text: 'c' },
      ],
    });
    const q = parseQuery('GET (status>=500 OR level=error) -healthz NOT tag:web');
    expect(q.terms).toEqual(['get']);
    expect(q.rest).toEqual([
      {
        type: 'or',
        items: [
          { type: 'cond', cond: { key: 'status', op: '>=', value: '500' } },
          { type: 'cond', cond: { key: 'level', op: '=', value: 'error' } },
        ],
      },
      { type: 'not', item: { type: 'term', text: 'healthz' } },
    ]);
    // A negated equality is an inequality, which a scan reads from a column.
    expect(q.conditions).toEqual([{ key: 'tag', op: '!=', value: 'web' }]);
    expect(parseQuery('-status>=500').rest).toEqual([
      { type: 'not', item: { type: 'cond', cond: { key: 'status', op: '>=', value: '500' } } },
    ]);
    expect(q.marks).toEqual(['get']);
  });

  it('closes groups with a parenthesis stuck to a word, and keeps one inside a word', () => {
    expect(parseQuery('(a OR b)').expr).toEqual({
      type: 'or',
      items: [
        { type: 'term', text: 'a' },
        { type: 'term', text: 'b' },
      ],
    });
    expect(parseQuery('call(x)').terms).toEqual(['call(x)']);
    expect(parseQuery('(call(x))').expr).toEqual({ type: 'term', text: 'call(x)' });
  });

  it('reads regexes on the message and on a field, presence and since', () => {
    const q = parseQuery('/time(d|out)/i path=/\\/orders\\/\\d+/ user:* since:10m err.code!=*');
    expect(q.rest).toEqual([
      { type: 'regex', source: 'time(d|out)', flags: 'i' },
      { type: 'regex', key: 'path', source: '\\/orders\\/\\d+', flags: '' },
      { type: 'exists', key: 'user' },
      { type: 'since', ms: 600_000 },
      { type: 'not', item: { type: 'exists', key: 'err.code' } },
    ]);
    expect(parseQuery('since:1.5h').rest).toEqual([{ type: 'since', ms: 5_400_000 }]);
    expect(parseQuery('/a b/').rest).toEqual([{ type: 'regex', source: 'a b', flags: '' }]);
  });

  it.each([
    ['status>=', 'status>= needs a value after >=', 0],
    ['ok status>= x', 'status>= needs a value after >=', 3],
    ['a=', 'a= needs a value after =', 0],
    ['(a OR b', 'a ( is not closed', 0],
    ['a )', 'a ) has no ( before it', 2],
    ['a OR', 'OR needs something on its right', 2],
    ['OR a', 'OR needs something on its left', 0],
    ['()', 'nothing between ( and )', 1],
    ['NOT', 'NOT needs something after it', 0],
    ['"open', 'a quote is not closed', 0],
    ['/abc', 'a /regex/ is not closed', 0],
    ['/a(/', 'bad regex /a(/: Invalid regular expression: /a(/: Unterminated group', 0],
    ['since:soon', 'since: takes a duration such as 30s, 10m or 2h, not "soon"', 0],
  ])('says what is wrong with %j instead of searching it as text', (text, message, at) => {
    const q = parseQuery(text);
    expect(q.error).toEqual({ message, at });
    expect(isEmptyQuery(q)).toBe(true);
  });

  it('is empty for blank text', () => {
    expect(isEmptyQuery(parseQuery('   '))).toBe(true);
    expect(isEmptyQuery(parseQuery('x'))).toBe(false);
    expect(isEmptyQuery(parseQuery('-x'))).toBe(false);
  });
});
