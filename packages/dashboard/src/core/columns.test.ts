import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { FieldColumns, MAX_COLUMNS } from './columns.js';
import { FIELD_ABSENT, FIELD_NUMBER, FIELD_OTHER, FIELD_STRING, MAX_FIELD_COLUMNS, packRecords } from './pack.js';
import { FIELD_STRINGS } from './strings.js';

const record = (seq: number, fields?: Record<string, unknown>): LogRecord => ({
  seq,
  ts: seq,
  level: 'info',
  msg: '',
  ...(fields ? { fields } : {}),
});

describe('FieldColumns', () => {
  it('lays fields out by name and keeps up with new runs', () => {
    const columns = new FieldColumns();
    columns.append(
      packRecords([record(1, { status: 200 }), record(2, { status: '500' }), record(3), record(4, { status: [5] })]),
    );
    const status = columns.get('status');
    expect(status?.values[0]).toBe(200);
    expect(FIELD_STRINGS.get(status?.values[1] as number)).toBe('500');
    expect([...(status?.kinds.subarray(0, 4) ?? [])]).toEqual([FIELD_NUMBER, FIELD_STRING, FIELD_ABSENT, FIELD_OTHER]);
    const more: LogRecord[] = [];
    for (let i = 5; i < 3000; i++) more.push(record(i, { status: i, late: 1 }));
    columns.append(packRecords(more));
    expect(columns.get('status')?.values[2998]).toBe(2999);
    expect(columns.get('status')?.values[0]).toBe(200);
    // A field first seen later is absent from every record before it.
    expect(columns.get('late')?.kinds[0]).toBe(FIELD_ABSENT);
    expect(columns.get('late')?.kinds[4]).toBe(FIELD_NUMBER);
  });

  it('never reads inherited properties', () => {
    const columns = new FieldColumns();
    columns.append(packRecords([record(1, {})]));
    expect(columns.get('constructor')).toBeUndefined();
  });

  it('leaves fields past the limit to the records, and says so for the runs that dropped some', () => {
    const wide: Record<string, unknown> = {};
    for (let i = 0; i <= MAX_FIELD_COLUMNS; i++) wide[`k${i}`] = i;
    const columns = new FieldColumns();
    columns.append(packRecords([record(1, wide)]));
    columns.append(packRecords([record(2, { k0: 5 })]));
    expect(columns.get(`k${MAX_FIELD_COLUMNS}`)).toBeUndefined();
    // k1 was not in the second run, which had a column for every field: absent there.
    expect(columns.get('k1')?.kinds[1]).toBe(FIELD_ABSENT);
    // A run that left fields out says nothing about a column's field it did not lay out.
    columns.append(packRecords([record(3, wide)]));
    columns.append(packRecords([record(4, { [`k${MAX_FIELD_COLUMNS}`]: 1, k0: 1 })]));
    expect(columns.get('k0')?.kinds[3]).toBe(FIELD_NUMBER);
    expect(columns.get('k1')?.kinds[3]).toBe(FIELD_ABSENT);
  });

  it('stops making columns at the limit', () => {
    const columns = new FieldColumns();
    for (let i = 0; i <= MAX_COLUMNS; i++) columns.append(packRecords([record(i + 1, { [`c${i}`]: i })]));
    expect(columns.get(`c${MAX_COLUMNS - 1}`)).toBeDefined();
    expect(columns.get(`c${MAX_COLUMNS}`)).toBeUndefined();
  });
});
