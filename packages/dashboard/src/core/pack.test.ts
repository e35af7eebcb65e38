import { LEVEL_NAMES, type LevelName, type LogRecord } from '@pulselog/shared';
import { DIVIDER_CODE, searchText, TAG_KEY } from '@pulselog/shared/query';
import { describe, expect, it } from 'vitest';

import {
  FIELD_ABSENT,
  FIELD_NUMBER,
  FIELD_OTHER,
  FIELD_STRING,
  lineChunks,
  type PackedRecords,
  packLines,
  packRecords,
  parseLines,
  readLines,
  readPacked,
  SEP,
  slicePacked,
} from './pack.js';
import { FIELD_STRINGS, MAX_INTERNED_LENGTH } from './strings.js';

const records: LogRecord[] = [
  { seq: 1, ts: 10, level: 'info', msg: 'first, with a comma', fields: { status: 200, user: 'ann' } },
  { seq: 2, ts: 20, level: 'error', msg: 'second', tag: 'web', err: { name: 'TypeError', message: 'boom' } },
  { seq: 3, ts: 30, level: 'info', msg: '— epoch —', kind: 'divider' },
  { seq: 4, ts: 40, level: 'debug', msg: `odd ${SEP} text`, fields: { status: '500' } },
];

/** The JSON lines of `records`, as the hub sends them after `LINES_HEAD`. */
const linesOf = (list: readonly LogRecord[]) => list.map((r) => `${JSON.stringify(r)}\n`).join('');

/** Record `i` of a run as its stored text. */
const lineAt = (run: PackedRecords, i: number) =>
  run.lines.slice(run.lineStarts[i], (run.lineStarts[i + 1] as number) - 1);

describe('readLines', () => {
  it('reads one record a line, in order', () => {
    expect(readLines(linesOf(records))).toEqual({ ok: true, records });
    expect(readLines('')).toEqual({ ok: true, records: [] });
  });

  it('refuses lines that are not one whole record each, or out of order', () => {
    const a = JSON.stringify(records[0]);
    const b = JSON.stringify(records[1]);
    expect(readLines(`${a}\n${b}`)).toMatchObject({ ok: false, reason: 'a record line without its newline' });
    expect(readLines(`${a},${b}\n`)).toMatchObject({ ok: false, reason: 'more than one record on a line' });
    expect(readLines(`${a}\n\n`)).toMatchObject({ ok: false, reason: 'invalid JSON' });
    expect(readLines(`${b}\n${a}\n`)).toMatchObject({ ok: false, reason: 'records out of order' });
    expect(readLines('{"seq":1,"ts":1,"level":"loud","msg":"x"}\n')).toMatchObject({
      ok: false,
      reason: 'malformed record',
    });
  });
});

describe('readPacked', () => {
  it('reads and packs lines at once, as packing what readLines read does', () => {
    const lines = linesOf(records);
    expect(readPacked(lines)).toEqual({ ok: true, packed: packLines(lines, records) });
    expect(readPacked('')).toEqual({ ok: true, packed: packLines('', []) });
    expect(readPacked(`${JSON.stringify(records[1])}\n${JSON.stringify(records[0])}\n`)).toMatchObject({
      ok: false,
      reason: 'records out of order',
    });
  });
});

describe('packLines', () => {
  const lines = linesOf(records);
  const packed = packLines(lines, records);

  it('keeps the lines it was given as the records, the very same text', () => {
    expect(packed.lines).toBe(lines);
    for (let i = 0; i < records.length; i++) expect(lineAt(packed, i)).toBe(JSON.stringify(records[i]));
    expect(parseLines(packed.lines)).toEqual(records);
  });

  it('lays out sequence numbers, times and level codes as columns', () => {
    expect([...packed.seqs]).toEqual([1, 2, 3, 4]);
    expect([...packed.times]).toEqual([10, 20, 30, 40]);
    const code = (level: LevelName) => LEVEL_NAMES.indexOf(level);
    expect([...packed.levels]).toEqual([code('info'), code('error'), DIVIDER_CODE, code('debug')]);
  });

  it('keeps the search text of each record, with the separator kept out of it', () => {
    const text = (i: number) => packed.text.slice(packed.textStarts[i], (packed.textStarts[i + 1] as number) - 1);
    expect(text(0)).toBe(searchText(records[0] as LogRecord));
    expect(text(1)).toContain('typeerror: boom');
    expect(text(3)).toBe(searchText(records[3] as LogRecord).replaceAll(SEP, ' '));
  });

  it('lower-cases the search text, each record still at its start where lower case is longer', () => {
    // `İ` lower-cases to two code units: every record after it would be found one place off.
    const run = [
      { seq: 1, ts: 1, level: 'info', msg: 'İSTANBUL Office' },
      { seq: 2, ts: 2, level: 'info', msg: 'Second ÄÖ', fields: { City: 'İzmir' } },
      { seq: 3, ts: 3, level: 'warning', msg: 'THIRD' },
    ] satisfies LogRecord[];
    const wide = packLines(linesOf(run), run);
    const text = (i: number) => wide.text.slice(wide.textStarts[i], (wide.textStarts[i + 1] as number) - 1);
    for (let i = 0; i < run.length; i++) expect(text(i)).toBe(searchText(run[i] as LogRecord));
    expect(wide.text.endsWith(SEP)).toBe(true);
    expect(text(2)).toBe('third');
    // Outside ASCII, lower case of the same length: lower-cased joined, every start kept.
    const same = run.slice(1).map((r, i) => ({ ...r, seq: i + 1, fields: { City: 'ÜBERLINGEN' } }));
    const packedSame = packLines(linesOf(same), same);
    const sameText = (i: number) =>
      packedSame.text.slice(packedSame.textStarts[i], (packedSame.textStarts[i + 1] as number) - 1);
    for (let i = 0; i < same.length; i++) expect(sameText(i)).toBe(searchText(same[i] as LogRecord));
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
    expect(parseLines(tail.lines)).toEqual(records.slice(2));
    expect(lineAt(tail, 1)).toBe(JSON.stringify(records[3]));
    expect([...tail.seqs]).toEqual([3, 4]);
    expect(tail.text.slice(tail.textStarts[0], (tail.textStarts[1] as number) - 1)).toBe(
      searchText(records[2] as LogRecord),
    );
    expect(tail.fields.find((f) => f.key === 'status')?.kinds[1]).toBe(FIELD_STRING);
  });
});

describe('packRecords', () => {
  it('writes each record as a JSON line once, nested however deep', () => {
    const packed = packRecords(records);
    expect(packed.lines).toBe(linesOf(records));
    const depth = 100_000;
    const deep = `{"seq":9,"ts":1,"level":"info","msg":"deep","fields":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const record = JSON.parse(deep) as LogRecord;
    expect(() => JSON.stringify(record)).toThrow(RangeError);
    expect(packRecords([record]).lines).toBe(`${deep}\n`);
  });
});

describe('lineChunks', () => {
  it('cuts a run into slices of its lines of the given size, keyed by their first record', () => {
    const run = packRecords(records);
    const chunks = lineChunks(run, 3);
    expect(chunks.map((c) => c.firstSeq)).toEqual([1, 4]);
    expect(chunks.map((c) => parseLines(c.lines).length)).toEqual([3, 1]);
    expect(chunks.map((c) => c.lines).join('')).toBe(run.lines);
    expect(lineChunks(run, 100)).toEqual([{ firstSeq: 1, lines: run.lines }]);
  });
});
