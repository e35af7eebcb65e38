import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { MAX_COLUMNS, NumericColumns } from './columns.js';

const record = (seq: number, fields?: Record<string, unknown>): LogRecord => ({
  seq,
  ts: seq,
  level: 'info',
  msg: '',
  ...(fields ? { fields } : {}),
});

describe('NumericColumns', () => {
  it('lays numbers out by field and keeps up with new records', () => {
    const records = [record(1, { status: 200 }), record(2, { status: '500' }), record(3)];
    const columns = new NumericColumns();
    const column = columns.get('status', records) ?? new Float64Array();
    expect([...column.subarray(0, 3)]).toEqual([200, Number.NaN, Number.NaN]);
    for (let i = 4; i < 3000; i++) records.push(record(i, { status: i }));
    const grown = columns.get('status', records);
    expect(grown?.[2999 - 1]).toBe(2999);
    expect(grown?.[0]).toBe(200);
  });

  it('never reads inherited properties', () => {
    const columns = new NumericColumns();
    expect(columns.get('constructor', [record(1, {})])?.[0]).toBeNaN();
  });

  it('stops making columns at the limit', () => {
    const columns = new NumericColumns();
    for (let i = 0; i < MAX_COLUMNS; i++) expect(columns.get(`k${i}`, [])).toBeDefined();
    expect(columns.get('one-more', [])).toBeUndefined();
  });
});
