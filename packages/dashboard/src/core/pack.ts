import type { LogRecord } from '@pulselog/shared';
import { levelCode } from './filter.js';
import { FIELD_STRINGS, TAG_KEY } from './strings.js';
import { searchText } from './text.js';

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
  /** Each record's JSON text, joined by commas, so `[${json}]` is the run as a JSON array. */
  json: string;
  /** Offset in `json` where each record starts, then `json.length + 1`. */
  jsonStarts: Uint32Array;
  /** Each record's lower-cased search text (`searchText`), each followed by `SEP`. */
  text: string;
  /** Offset in `text` where each record's search text starts, then `text.length`. */
  textStarts: Uint32Array;
  /** Top-level fields as columns. */
  fields: FieldColumn[];
  /** False when some top-level fields had no column (more than `MAX_FIELD_COLUMNS` keys). */
  fieldsComplete: boolean;
  /** True when the records are already being written to storage by whoever packed them. */
  stored?: boolean;
}

/** Packs records given in ascending `seq` order. */
export function packRecords(records: readonly LogRecord[]): PackedRecords {
  const count = records.length;
  const seqs = new Float64Array(count);
  const times = new Float64Array(count);
  const levels = new Uint8Array(count);
  const jsonStarts = new Uint32Array(count + 1);
  const textStarts = new Uint32Array(count + 1);
  const jsons: string[] = new Array(count);
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
  let jsonAt = 0;
  let textAt = 0;
  for (let i = 0; i < count; i++) {
    const record = records[i] as LogRecord;
    seqs[i] = record.seq;
    times[i] = record.ts;
    levels[i] = levelCode(record);
    const json = JSON.stringify(record);
    jsons[i] = json;
    jsonStarts[i] = jsonAt;
    jsonAt += json.length + 1;
    let text = searchText(record);
    if (text.includes(SEP)) text = text.replaceAll(SEP, ' ');
    texts[i] = text;
    textStarts[i] = textAt;
    textAt += text.length + 1;
    // The tag is laid out as one more column, so `tag:x` filters read it like a field.
    if (record.tag !== undefined) {
      const column = columnFor(TAG_KEY);
      if (column) setValue(column, i, record.tag);
      else fieldsComplete = false;
    }
    const fields = record.fields;
    if (!fields) continue;
    for (const key in fields) {
      const column = key === TAG_KEY ? undefined : columnFor(key);
      if (column) setValue(column, i, fields[key]);
      else fieldsComplete = false;
    }
  }
  jsonStarts[count] = jsonAt;
  textStarts[count] = textAt;
  return {
    count,
    seqs,
    times,
    levels,
    json: jsons.join(','),
    jsonStarts,
    // Every text is followed by the separator, so blocks can be joined end to end.
    text: count > 0 ? `${texts.join(SEP)}${SEP}` : '',
    textStarts,
    fields: [...columns.values()],
    fieldsComplete,
  };
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
  const j0 = packed.jsonStarts[from] as number;
  const t0 = packed.textStarts[from] as number;
  const shift = (starts: Uint32Array, by: number) => starts.subarray(from).map((s) => s - by);
  return {
    count: Math.max(0, packed.count - from),
    seqs: packed.seqs.subarray(from),
    times: packed.times.subarray(from),
    levels: packed.levels.subarray(from),
    json: packed.json.slice(j0),
    jsonStarts: shift(packed.jsonStarts, j0),
    text: packed.text.slice(t0),
    textStarts: shift(packed.textStarts, t0),
    fields: packed.fields.map((f) => ({ key: f.key, values: f.values.subarray(from), kinds: f.kinds.subarray(from) })),
    fieldsComplete: packed.fieldsComplete,
    ...(packed.stored ? { stored: true } : {}),
  };
}

/** The records of `packed` as objects. */
export function unpack(packed: PackedRecords): LogRecord[] {
  return packed.count === 0 ? [] : (JSON.parse(`[${packed.json}]`) as LogRecord[]);
}

/**
 * Cuts runs of records into stored chunks of `size` records (the last may
 * hold fewer): each chunk's `json` is a JSON array of its records, made of
 * the runs' JSON text without parsing it.
 */
export function jsonChunks(runs: readonly PackedRecords[], size: number): { firstSeq: number; json: string }[] {
  const chunks: { firstSeq: number; json: string }[] = [];
  let parts: string[] = [];
  let count = 0;
  let firstSeq = 0;
  for (const run of runs) {
    let at = 0;
    while (at < run.count) {
      if (count === 0) firstSeq = run.seqs[at] as number;
      const end = Math.min(run.count, at + size - count);
      const whole = at === 0 && end === run.count;
      parts.push(whole ? run.json : run.json.slice(run.jsonStarts[at], (run.jsonStarts[end] as number) - 1));
      count += end - at;
      at = end;
      if (count === size) {
        chunks.push({ firstSeq, json: `[${parts.join(',')}]` });
        parts = [];
        count = 0;
      }
    }
  }
  if (count > 0) chunks.push({ firstSeq, json: `[${parts.join(',')}]` });
  return chunks;
}
