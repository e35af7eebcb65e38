import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { DIVIDER_CODE } from './filter.js';
import {
  FIELD_ABSENT,
  FIELD_NUMBER,
  FIELD_OTHER,
  FIELD_STRING,
  jsonChunks,
  packRecords,
  SEP,
  slicePacked,
  unpack,
} from './pack.js';
import { FIELD_STRINGS, MAX_INTERNED_LENGTH, TAG_KEY } from './strings.js';
import { searchText } from './text.js';

const records: LogRecord[] = [
  { seq: 1, ts: 10, level: 'info', msg: 'first, with a comma', fields: { status: 200, user: 'ann' } },
  { seq: 2, ts: 20, level: 'error', msg: 'second', tag: 'web', err: { name: 'TypeError', message: 'boom' } },
  { seq: 3, ts: 30, level: 'info', msg: '— epoch —', kind: 'divider' },
  { seq: 4, ts: 40, level: 'debug', msg: `odd ${SEP} text`, fields: { status: '500' } },
];

describe('packRecords', () => {
  const packed = packRecords(records);

  it('keeps each record as its JSON text, which reads back as the same records', () => {
    expect(unpack(packed)).toEqual(records);
    for (let i = 0; i < records.length; i++) {
      const text = packed.json.slice(packed.jsonStarts[i], (packed.jsonStarts[i + 1] as number) - 1);
      expect(JSON.parse(text)).toEqual(records[i]);
    }
  });

  it('lays out sequence numbers, times and level codes as columns', () => {
    expect([...packed.seqs]).toEqual([1, 2, 3, 4]);
    expect([...packed.times]).toEqual([10, 20, 30, 40]);
    expect([...packed.levels]).toEqual([1, 3, DIVIDER_CODE, 0]);
  });

  it('keeps the search text of each record, with the separator kept out of it', () => {
    const text = (i: number) => packed.text.slice(packed.textStarts[i], (packed.textStarts[i + 1] as number) - 1);
    expect(text(0)).toBe(searchText(records[0] as LogRecord));
    expect(text(1)).toContain('typeerror: boom');
    expect(text(3)).toBe(searchText(records[3] as LogRecord).replaceAll(SEP, ' '));
  });

  it('lays out top-level fields as numbers, and short strings and tags by their number', () => {
    const status = packed.fields.find((f) => f.key === 'status');
    expect([...(status?.kinds ?? [])]).toEqual([FIELD_NUMBER, FIELD_ABSENT, FIELD_ABSENT, FIELD_STRING]);
    expect(status?.values[0]).toBe(200);
    expect(FIELD_STRINGS.get(status?.values[3] as number)).toBe('500');
    const tag = packed.fields.find((f) => f.key === TAG_KEY);
    expect([...(tag?.kinds ?? [])]).toEqual([FIELD_ABSENT, FIELD_STRING, FIELD_ABSENT, FIELD_ABSENT]);
    expect(FIELD_STRINGS.get(tag?.values[1] as number)).toBe('web');
    expect(packed.fieldsComplete).toBe(true);
  });

  it('leaves long strings and other values to the record', () => {
    const long = packRecords([
      { seq: 1, ts: 1, level: 'info', msg: 'a', fields: { note: 'x'.repeat(MAX_INTERNED_LENGTH + 1), obj: { a: 1 } } },
    ]);
    expect(long.fields.map((f) => [f.key, f.kinds[0]])).toEqual([
      ['note', FIELD_OTHER],
      ['obj', FIELD_OTHER],
    ]);
  });

  it('cuts a run into a run of its later records', () => {
    const tail = slicePacked(packed, 2);
    expect(tail.count).toBe(2);
    expect(unpack(tail)).toEqual(records.slice(2));
    expect([...tail.seqs]).toEqual([3, 4]);
    expect(tail.text.slice(tail.textStarts[0], (tail.textStarts[1] as number) - 1)).toBe(
      searchText(records[2] as LogRecord),
    );
    expect(tail.fields.find((f) => f.key === 'status')?.kinds[1]).toBe(FIELD_STRING);
  });
});

describe('jsonChunks', () => {
  it('cuts runs into JSON arrays of the given size, keyed by their first record', () => {
    const runs = [packRecords(records.slice(0, 1)), packRecords(records.slice(1, 4))];
    const chunks = jsonChunks(runs, 3);
    expect(chunks.map((c) => c.firstSeq)).toEqual([1, 4]);
    expect(chunks.map((c) => JSON.parse(c.json).length)).toEqual([3, 1]);
    expect(chunks.flatMap((c) => JSON.parse(c.json))).toEqual(records);
    expect(jsonChunks(runs, 2).flatMap((c) => JSON.parse(c.json))).toEqual(records);
    expect(jsonChunks(runs, 100)).toHaveLength(1);
  });
});
