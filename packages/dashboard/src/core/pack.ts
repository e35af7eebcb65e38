import { isLogRecord, type LogRecord } from '@pulselog/shared';
import { casedSearchText, jsonText, levelCode, TAG_KEY } from '@pulselog/shared/query';
import { FIELD_STRINGS, SOURCE_KEY } from './strings.js';

/** Separator after each record's search text; no search term contains it. */
export const SEP = '\u0000';
/** Most top-level fields of one batch laid out as columns; the rest are read from the records. */
export const MAX_FIELD_COLUMNS = 16;

/** What a top-level field holds in one record, as kept beside its number. */
export const FIELD_ABSENT = 0;
/** The field holds a number, in the column's `values`. */
export const FIELD_NUMBER = 1;
/** The field holds something else; only the record itself can answer. */
export const FIELD_OTHER = 2;
/** The field holds a short string, numbered in `FIELD_STRINGS`; the number is in `values`. */
export const FIELD_STRING = 3;

/** One top-level field of a run of records as a column. */
export interface FieldColumn {
  key: string;
  /** The field's number in each record (`NaN` where it holds none). */
  values: Float64Array;
  /** `FIELD_ABSENT`, `FIELD_NUMBER`, `FIELD_STRING` or `FIELD_OTHER` for each record. */
  kinds: Uint8Array;
}

/**
 * A run of records in ascending `seq` order, kept as a handful of flat values
 * instead of an object per record: what the page holds of a million records
 * then costs the garbage collector a few objects per thousand records, and
 * the whole run is a plain copy to hand around or store.
 */
export interface PackedRecords {
  count: number;
  seqs: Float64Array;
  times: Float64Array;
  /** Each record's `levelCode`. */
  levels: Uint8Array;
  /**
   * Each record's JSON text on a line of its own, each line ending in `\n`:
   * the text as the hub sent it (or as an import read it), kept as it came.
   */
  lines: string;
  /** Offset in `lines` where each record's line starts, then `lines.length`. */
  lineStarts: Uint32Array;
  /** Each record's lower-cased search text (`searchText`), each followed by `SEP`. */
  text: string;
  /** Offset in `text` where each record's search text starts, then `text.length`. */
  textStarts: Uint32Array;
  /** Top-level fields as columns. */
  fields: FieldColumn[];
  /** False when some top-level fields had no column (more than `MAX_FIELD_COLUMNS` keys). */
  fieldsComplete: boolean;
}

/** Records read from JSON lines, or why the lines were refused. */
export type LinesResult = { ok: true; records: LogRecord[] } | { ok: false; reason: string };

/**
 * Reads JSON lines, one record a line, each ending in `\n` (the records of a
 * batch frame after `LINES_HEAD`, or a run kept by `packLines`), as one JSON
 * array: one parse is much cheaper than one per line, and JSON text holds no
 * raw newline, so every newline between records can become a comma. Lines
 * that are not one record each are refused, so record `i` is line `i`, and
 * so are records out of `seq` order.
 */
export function readLines(lines: string): LinesResult {
  const read = readRecords(lines);
  return read.ok ? { ok: true, records: read.records } : read;
}

/** Records read from JSON lines and packed, or why the lines were refused. */
export type PackedResult = { ok: true; packed: PackedRecords } | { ok: false; reason: string };

/**
 * Reads JSON lines as `readLines` does and packs their records at once
 * (`packLines`), finding where each line starts only once.
 */
export function readPacked(lines: string): PackedResult {
  const read = readRecords(lines);
  return read.ok ? { ok: true, packed: packLines(lines, read.records, read.lineStarts) } : read;
}

/** Records read from JSON lines with where each line starts, or why the lines were refused. */
export type RecordsResult = { ok: true; records: LogRecord[]; lineStarts: Uint32Array } | { ok: false; reason: string };

/**
 * `readLines`, with where each record's line starts in `lines` (then
 * `lines.length`), found while checking that there is one record a line.
 */
export function readRecords(lines: string): RecordsResult {
  if (lines === '') return { ok: true, records: [], lineStarts: Uint32Array.of(0) };
  if (!lines.endsWith('\n')) return { ok: false, reason: 'a record line without its newline' };
  let data: unknown[];
  try {
    data = parseLines(lines);
  } catch {
    return { ok: false, reason: 'invalid JSON' };
  }
  if (!data.every(isLogRecord)) return { ok: false, reason: 'malformed record' };
  for (let i = 1; i < data.length; i++) {
    if ((data[i] as LogRecord).seq <= (data[i - 1] as LogRecord).seq)
      return { ok: false, reason: 'records out of order' };
  }
  // `{…},{…}` on one line parses as two records; the lines would then not line up with them.
  const lineStarts = new Uint32Array(data.length + 1);
  let line = 0;
  for (let at = lines.indexOf('\n'); at !== -1; at = lines.indexOf('\n', at + 1)) {
    if (++line > data.length) break;
    lineStarts[line] = at + 1;
  }
  if (line !== data.length) return { ok: false, reason: 'more than one record on a line' };
  return { ok: true, records: data, lineStarts };
}

/** JSON lines as the array of their values; throws on text that is not JSON lines. */
export function parseLines(lines: string): unknown[] {
  return lines === '' ? [] : (JSON.parse(`[${linesAsList(lines)}]`) as unknown[]);
}

/** JSON lines as the inside of a JSON array: their values joined by commas. */
export function linesAsList(lines: string): string {
  return (lines.endsWith('\n') ? lines.slice(0, -1) : lines).replaceAll('\n', ',');
}

/**
 * Packs records given in ascending `seq` order with the JSON lines they were
 * read from (`readLines`): `records[i]` is line `i` of `lines`, which is kept
 * as the records' stored form, never written again. `starts`, where each
 * line starts, is found here unless given.
 */
export function packLines(lines: string, records: readonly LogRecord[], starts?: Uint32Array): PackedRecords {
  const count = records.length;
  let lineStarts = starts;
  if (!lineStarts) {
    lineStarts = new Uint32Array(count + 1);
    let at = 0;
    for (let i = 0; i < count; i++) {
      lineStarts[i] = at;
      at = lines.indexOf('\n', at) + 1;
    }
    lineStarts[count] = lines.length;
  }
  return { ...packColumns(records), lines, lineStarts };
}

/**
 * Packs record objects given in ascending `seq` order (an imported file's):
 * each is written as a JSON line once here, at any depth of nesting.
 */
export function packRecords(records: readonly LogRecord[]): PackedRecords {
  const lines = records.map((record) => jsonText(record) as string);
  return packLines(records.length > 0 ? `${lines.join('\n')}\n` : '', records);
}

/** Everything of a run but its lines: the columns and search text the list, filters and index read. */
function packColumns(records: readonly LogRecord[]): Omit<PackedRecords, 'lines' | 'lineStarts'> {
  const count = records.length;
  const seqs = new Float64Array(count);
  const times = new Float64Array(count);
  const levels = new Uint8Array(count);
  const texts: string[] = new Array(count);
  const columns = new Map<string, FieldColumn>();
  let fieldsComplete = true;
  const columnFor = (key: string): FieldColumn | undefined => {
    let column = columns.get(key);
    if (!column && columns.size < MAX_FIELD_COLUMNS) {
      column = { key, values: new Float64Array(count).fill(Number.NaN), kinds: new Uint8Array(count) };
      columns.set(key, column);
    }
    return column;
  };
  for (let i = 0; i < count; i++) {
    const record = records[i] as LogRecord;
    seqs[i] = record.seq;
    times[i] = record.ts;
    levels[i] = levelCode(record);
    const text = casedSearchText(record);
    texts[i] = text.includes(SEP) ? text.replaceAll(SEP, ' ') : text;
    // The tag is laid out as one more column, so `tag:x` filters read it like a field.
    if (record.tag !== undefined) {
      const column = columnFor(TAG_KEY);
      if (column) setValue(column, i, record.tag);
      else fieldsComplete = false;
    }
    // The source likewise, for its facet.
    if (record.source !== undefined) {
      const column = columnFor(SOURCE_KEY);
      if (column) setValue(column, i, record.source);
      else fieldsComplete = false;
    }
    const fields = record.fields;
    if (!fields) continue;
    for (const key in fields) {
      const column = key === TAG_KEY || key === SOURCE_KEY ? undefined : columnFor(key);
      if (column) setValue(column, i, fields[key]);
      else fieldsComplete = false;
    }
  }
  const { text, textStarts } = lowerJoined(texts);
  return {
    count,
    seqs,
    times,
    levels,
    text,
    textStarts,
    fields: [...columns.values()],
    fieldsComplete,
  };
}

/**
 * Records' search texts lower-cased, each followed by `SEP` (so runs can be
 * joined end to end), with where each starts. Lower-casing the joined text
 * once costs far less than once per record. Lower case is never shorter, and
 * longer only outside ASCII (`İ` becomes two code units): only when the
 * joined text grew did some text grow and move the starts after it, and
 * then the texts are lower-cased one by one.
 */
function lowerJoined(texts: string[]): { text: string; textStarts: Uint32Array } {
  const count = texts.length;
  const textStarts = new Uint32Array(count + 1);
  if (count === 0) return { text: '', textStarts };
  const joined = `${texts.join(SEP)}${SEP}`;
  let text = joined.toLowerCase();
  if (text.length !== joined.length) {
    for (let i = 0; i < count; i++) texts[i] = (texts[i] as string).toLowerCase();
    text = `${texts.join(SEP)}${SEP}`;
  }
  let at = 0;
  for (let i = 0; i < count; i++) {
    textStarts[i] = at;
    at += (texts[i] as string).length + 1;
  }
  textStarts[count] = at;
  return { text, textStarts };
}

/** Puts one record's value of a field into its column: a number, a numbered short string, or neither. */
function setValue(column: FieldColumn, i: number, value: unknown): void {
  if (typeof value === 'number') {
    column.values[i] = value;
    column.kinds[i] = FIELD_NUMBER;
    return;
  }
  const id = typeof value === 'string' ? FIELD_STRINGS.id(value) : -1;
  if (id >= 0) {
    column.values[i] = id;
    column.kinds[i] = FIELD_STRING;
  } else column.kinds[i] = FIELD_OTHER;
}

/** Records `from..count-1` of `packed`, as a run of their own. */
export function slicePacked(packed: PackedRecords, from: number): PackedRecords {
  if (from <= 0) return packed;
  const l0 = packed.lineStarts[from] as number;
  const t0 = packed.textStarts[from] as number;
  const shift = (starts: Uint32Array, by: number) => starts.subarray(from).map((s) => s - by);
  return {
    count: Math.max(0, packed.count - from),
    seqs: packed.seqs.subarray(from),
    times: packed.times.subarray(from),
    levels: packed.levels.subarray(from),
    lines: packed.lines.slice(l0),
    lineStarts: shift(packed.lineStarts, l0),
    text: packed.text.slice(t0),
    textStarts: shift(packed.textStarts, t0),
    fields: packed.fields.map((f) => ({ key: f.key, values: f.values.subarray(from), kinds: f.kinds.subarray(from) })),
    fieldsComplete: packed.fieldsComplete,
  };
}

/**
 * Cuts a run's lines into stored chunks of `size` records (the last may hold
 * fewer), each keyed by its first record: slices of the text, nothing parsed
 * or written again.
 */
export function lineChunks(run: PackedRecords, size: number): { firstSeq: number; lines: string }[] {
  const chunks: { firstSeq: number; lines: string }[] = [];
  for (let at = 0; at < run.count; at += size) {
    const end = Math.min(run.count, at + size);
    const whole = at === 0 && end === run.count;
    const lines = whole ? run.lines : run.lines.slice(run.lineStarts[at], run.lineStarts[end]);
    chunks.push({ firstSeq: run.seqs[at] as number, lines });
  }
  return chunks;
}
