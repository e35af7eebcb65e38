import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { joinPacked } from './join.js';
import {
  FIELD_ABSENT,
  FIELD_NUMBER,
  FIELD_OTHER,
  MAX_FIELD_COLUMNS,
  packRecords,
  readPacked,
  slicePacked,
} from './pack.js';

const record = (seq: number, fields?: Record<string, unknown>): LogRecord => ({
  seq,
  ts: seq * 10,
  level: seq % 3 === 0 ? 'error' : 'info',
  msg: `record ${seq}`,
  ...(fields ? { fields } : {}),
  ...(seq % 4 === 0 ? { tag: 'web' } : {}),
});

/** Fields `k0`..`k{n-1}`, numbered from `from`. */
const keys = (from: number, n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${from + i}`, i]));

describe('joinPacked', () => {
  it('joins runs into the run their records make packed together', () => {
    const all = [
      record(1, { status: 200 }),
      record(2),
      record(3, { status: 500, user: 'ann' }),
      record(4, { user: 'bob', body: { a: 1 } }),
      record(5, { status: 404 }),
      record(6),
    ];
    const joined = joinPacked([packRecords(all.slice(0, 2)), packRecords(all.slice(2, 3)), packRecords(all.slice(3))]);
    expect(joined).toEqual(packRecords(all));
  });

  it('joins runs cut from others and runs read from frames', () => {
    const all = Array.from({ length: 9 }, (_, i) => record(i + 1, { n: i }));
    const frame = packRecords(all.slice(4));
    const read = readPacked(frame.lines);
    if (!read.ok) throw new Error(read.reason);
    const joined = joinPacked([slicePacked(packRecords(all.slice(0, 4)), 1), read.packed]);
    expect(joined).toEqual(packRecords(all.slice(1)));
  });

  it('gives no column to fields past the most, and says the fields are incomplete', () => {
    const first = packRecords([record(1, keys(0, 10))]);
    const second = packRecords([record(2, keys(10, 10))]);
    const joined = joinPacked([first, second]);
    expect(joined.fields.map((f) => f.key)).toEqual(Object.keys(keys(0, MAX_FIELD_COLUMNS)));
    expect(joined.fieldsComplete).toBe(false);
    expect(joined.fields.find((f) => f.key === 'k12')?.kinds).toEqual(Uint8Array.of(FIELD_ABSENT, FIELD_NUMBER));
  });

  it('leaves a field to the records of a run that had too many fields to lay out', () => {
    const plain = packRecords([record(1, { z: 1 })]);
    const crowded = packRecords([record(2, keys(0, MAX_FIELD_COLUMNS + 1))]);
    expect(crowded.fieldsComplete).toBe(false);
    const joined = joinPacked([plain, crowded]);
    // Record 2 may hold `z` among its fields that got no column: only the record can say.
    expect(joined.fields.find((f) => f.key === 'z')?.kinds).toEqual(Uint8Array.of(FIELD_NUMBER, FIELD_OTHER));
    expect(joined.fields).toHaveLength(MAX_FIELD_COLUMNS);
    expect(joined.fieldsComplete).toBe(false);
  });
});
