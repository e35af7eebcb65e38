import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../index.js';
import { ALL, compileFilter, type FilterState } from './filter.js';
import { searchText } from './text.js';

const records: LogRecord[] = [
  { seq: 1, ts: 1000, level: 'info', msg: 'GET /users', fields: { status: 200, user_id: 42 }, tag: 'web' },
  { seq: 2, ts: 2000, level: 'error', msg: 'GET /orders failed', fields: { status: 503, user_id: '7' }, tag: 'web' },
  { seq: 3, ts: 3000, level: 'warning', msg: 'epoch done', fields: { loss: 0.5, meta: { lr: 0.1 } }, tag: 'training' },
  { seq: 4, ts: 4000, level: 'info', msg: 'phase 2', kind: 'divider' },
  { seq: 5, ts: 5000, level: 'debug', msg: '\u001b[31mred\u001b[0m alert' },
  {
    seq: 6,
    ts: 6000,
    level: 'error',
    msg: 'GET /orders/17 failed',
    fields: { path: '/orders/17', status: 500 },
    err: { name: 'TypeError', message: 'upstream unavailable', code: 'ECONNREFUSED' },
  },
];

function pick(filter: Partial<FilterState>): number[] {
  const compiled = compileFilter({ ...ALL, ...filter });
  return records.filter((r) => compiled.test(r, () => searchText(r))).map((r) => r.seq);
}

describe('compileFilter', () => {
  it('passes everything by default and says so', () => {
    expect(pick({})).toEqual([1, 2, 3, 4, 5, 6]);
    expect(compileFilter(ALL).all).toBe(true);
  });

  it('hides levels that are toggled off but keeps dividers', () => {
    expect(pick({ levels: new Set(['error']) })).toEqual([2, 4, 6]);
  });

  it('applies numeric and string field conditions with AND', () => {
    expect(pick({ query: 'status>=500' })).toEqual([2, 6]);
    expect(pick({ query: 'user_id=42' })).toEqual([1]);
    expect(pick({ query: 'user_id=7' })).toEqual([2]);
    expect(pick({ query: 'tag:training' })).toEqual([3]);
    expect(pick({ query: 'tag:web status<300' })).toEqual([1]);
    expect(pick({ query: 'meta.lr=0.1' })).toEqual([3]);
    expect(pick({ query: 'status!=200' })).toEqual([2, 3, 4, 5, 6]);
    // Level conditions narrow the level toggles, which dividers always pass.
    expect(pick({ query: 'level>=warning' })).toEqual([2, 3, 4, 6]);
    expect(pick({ query: 'level=bogus' })).toEqual([4]);
  });

  it('finds text case-insensitively in message, tag and fields, ignoring escape codes', () => {
    expect(pick({ query: 'get' })).toEqual([1, 2, 6]);
    expect(pick({ query: 'GET failed' })).toEqual([2, 6]);
    expect(pick({ query: 'red alert' })).toEqual([5]);
    expect(pick({ query: '"red alert"' })).toEqual([5]);
    expect(pick({ query: 'loss=0.5' })).toEqual([3]);
  });

  it('keeps a time range, ends included', () => {
    expect(pick({ from: 2000, to: 4000 })).toEqual([2, 3, 4]);
  });

  it('applies OR, NOT, -term and parentheses', () => {
    expect(pick({ query: 'users OR epoch' })).toEqual([1, 3]);
    expect(pick({ query: 'get -orders' })).toEqual([1]);
    expect(pick({ query: 'get NOT status>=500' })).toEqual([1]);
    expect(pick({ query: '(tag:training OR status=503) -epoch' })).toEqual([2]);
    expect(pick({ query: 'NOT (get OR phase)' })).toEqual([3, 5]);
    expect(pick({ query: 'level=error OR level=debug' })).toEqual([2, 5, 6]);
  });

  it('matches a /regex/ against the message or a field', () => {
    expect(pick({ query: '/^GET \\/\\w+$/' })).toEqual([1]);
    expect(pick({ query: '/ALERT/i' })).toEqual([5]);
    expect(pick({ query: 'path=/\\/orders\\/\\d+/' })).toEqual([6]);
    expect(pick({ query: 'path!=/orders/' })).toEqual([1, 2, 3, 4, 5]);
  });

  it('finds a field by presence and reads error fields as fields', () => {
    expect(pick({ query: 'status:*' })).toEqual([1, 2, 6]);
    expect(pick({ query: 'meta.lr:*' })).toEqual([3]);
    expect(pick({ query: 'err.name=TypeError' })).toEqual([6]);
    expect(pick({ query: 'err.code:ECONNREFUSED' })).toEqual([6]);
    expect(pick({ query: 'err.message="upstream unavailable"' })).toEqual([6]);
    expect(pick({ query: 'err.name:*' })).toEqual([6]);
  });

  it('keeps the records of the last minutes with since:, counted back from now', () => {
    const compiled = compileFilter({ ...ALL, query: 'since:2s' }, 6000);
    expect(compiled.from).toBe(4000);
    expect(records.filter((r) => compiled.test(r, () => searchText(r))).map((r) => r.seq)).toEqual([4, 5, 6]);
    const nested = compileFilter({ ...ALL, query: 'users OR since:1s' }, 6000);
    expect(records.filter((r) => nested.test(r, () => searchText(r))).map((r) => r.seq)).toEqual([1, 5, 6]);
  });

  it('filters nothing while the query cannot be read, and says why', () => {
    const compiled = compileFilter({ ...ALL, query: 'status>=' });
    expect(compiled.all).toBe(true);
    expect(compiled.query.error?.message).toBe('status>= needs a value after >=');
  });
});
