import { FIELD_ABSENT, FIELD_OTHER, type FieldColumn, MAX_FIELD_COLUMNS, type PackedRecords } from './pack.js';

/**
 * Runs of records that follow one another (each after the one before it in
 * `seq`) joined into one run, as if packed together: each column copied
 * once, the lines and search texts joined into one flat string each. A
 * field column missing from a run holds nothing there, or, when that run
 * left some fields without a column, only its records can say
 * (`FIELD_OTHER`), as `FieldColumns` reads a run. Fields past
 * `MAX_FIELD_COLUMNS` get no column, and the joined run says its fields are
 * incomplete.
 */
export function joinPacked(runs: readonly PackedRecords[]): PackedRecords {
  if (runs.length === 1) return runs[0] as PackedRecords;
  let count = 0;
  for (const run of runs) count += run.count;
  const seqs = new Float64Array(count);
  const times = new Float64Array(count);
  const levels = new Uint8Array(count);
  const lineStarts = new Uint32Array(count + 1);
  const textStarts = new Uint32Array(count + 1);
  const columns = new Map<string, FieldColumn>();
  let fieldsComplete = true;
  for (const run of runs) {
    fieldsComplete &&= run.fieldsComplete;
    for (const field of run.fields) {
      if (columns.has(field.key)) continue;
      if (columns.size >= MAX_FIELD_COLUMNS) {
        fieldsComplete = false;
        continue;
      }
      columns.set(field.key, { key: field.key, values: new Float64Array(count), kinds: new Uint8Array(count) });
    }
  }
  let at = 0;
  let lineAt = 0;
  let textAt = 0;
  for (const run of runs) {
    seqs.set(run.seqs.subarray(0, run.count), at);
    times.set(run.times.subarray(0, run.count), at);
    levels.set(run.levels.subarray(0, run.count), at);
    for (let i = 0; i < run.count; i++) {
      lineStarts[at + i] = lineAt + (run.lineStarts[i] as number);
      textStarts[at + i] = textAt + (run.textStarts[i] as number);
    }
    for (const column of columns.values()) {
      const field = run.fields.find((f) => f.key === column.key);
      if (field) {
        column.values.set(field.values.subarray(0, run.count), at);
        column.kinds.set(field.kinds.subarray(0, run.count), at);
      } else {
        column.values.fill(Number.NaN, at, at + run.count);
        column.kinds.fill(run.fieldsComplete ? FIELD_ABSENT : FIELD_OTHER, at, at + run.count);
      }
    }
    at += run.count;
    lineAt += run.lines.length;
    textAt += run.text.length;
  }
  lineStarts[count] = lineAt;
  textStarts[count] = textAt;
  return {
    count,
    seqs,
    times,
    levels,
    lines: runs.map((run) => run.lines).join(''),
    lineStarts,
    text: runs.map((run) => run.text).join(''),
    textStarts,
    fields: [...columns.values()],
    fieldsComplete,
  };
}
