/**
 * What travels between the logging thread and the pipeline thread, and from
 * there to the dashboard hub: the bottom layer of the logger. It imports
 * nothing of the logger's own, so every thread can load it.
 *
 * ## Packed records
 *
 * Every record line starts with `{"seq":N,"ts":T`: two numbers whose text
 * costs the logging thread more than the rest of a call (printing them, then
 * copying the pieces together once more to join a batch). So the logging
 * thread keeps the numbers as numbers, and builds at most each line's tail;
 * a record whose fields are a flat object travels as a template and its
 * values. The pipeline thread turns them into lines (`format.ts`).
 *
 * A record's form (`PackedRecords.forms`, one entry a record) is one of:
 * - `-1`: its tail (`,"level":…}`) is the next of `tails`;
 * - `-2`: its tail is the same as the last one read from `tails` (a record
 *   logged over and over travels once a batch);
 * - `i >= 0`: it is made from template `templates[i]` (value kinds, then the
 *   text around the values, separated by `\n`) and the next values of `nums`
 *   (numbers, booleans as 0 or 1) and `strs`, in order.
 * Without `forms`, every record is `-1`.
 *
 * ## Frames
 *
 * A batch in the lines form (`LINES_HEAD` of the protocol, then its JSON
 * lines) is what the hub keeps and sends tabs, encoded once (`linesFrame`).
 */
import { LINES_HEAD } from '@pulselog/shared';

/**
 * How many of a template record's values travel in `nums` and how many in
 * `strs`, from the template's value kinds: `n` and `b` in `nums`, `s` in
 * `strs`, nothing for `z` (null).
 */
export function valueCounts(kinds: string): { numbers: number; strings: number } {
  let numbers = 0;
  let strings = 0;
  for (const kind of kinds) {
    if (kind === 'n' || kind === 'b') numbers++;
    else if (kind === 's') strings++;
  }
  return { numbers, strings };
}

/** Records as they leave the logging thread (see the encoding above). */
export interface PackedRecords {
  /** Sequence number and time (ms since `origin`, to the µs) of each record, interleaved: `[seq, t, seq, t, …]`. */
  st: Float64Array;
  /** What the times count from, in ms since the epoch: the logging thread's `performance.timeOrigin`. Absent: 0. */
  origin?: number;
  /** Line tails (`,"level":…}`) of the records sent as text, joined with `\n`. JSON text never holds a raw newline. */
  tails: string;
  /** Each record's form (see the encoding above); absent when every record is the next of `tails`. */
  forms?: Int32Array;
  /** Template texts: value kinds, then the text around the values, separated by `\n`. */
  templates?: string[];
  /** Number and boolean values of the template records, in order. */
  nums?: Float64Array;
  /** String values of the template records, in order. */
  strs?: string[];
  /** Characters the records stand for (roughly, for template records): what backlog bounds count. */
  chars: number;
  /**
   * Characters these records take as sent: tails and string values once
   * each, 16 a record for seq and time. Less than `chars` when a tail repeats.
   */
  sent: number;
}

const LINES_HEAD_BYTES = Buffer.from(LINES_HEAD);

/** A batch in the lines form: `LINES_HEAD`, then the JSON lines as they are, UTF-8. */
export function linesFrame(lines: string): Buffer {
  // Sized first and written once: a large batch is neither joined to the head nor copied again.
  const frame = Buffer.allocUnsafeSlow(LINES_HEAD_BYTES.length + Buffer.byteLength(lines));
  LINES_HEAD_BYTES.copy(frame);
  frame.write(lines, LINES_HEAD_BYTES.length);
  return frame;
}

/** Bytes of `LINES_HEAD` at the start of every frame. */
export const LINES_HEAD_LENGTH = LINES_HEAD_BYTES.length;

const LEVEL_KEY = '"level":"';

/**
 * The level name of a record line as `formatPacked` writes it (the level
 * comes right after seq and time), or `undefined` when the line has none.
 */
export function lineLevel(line: string): string | undefined {
  const at = line.indexOf(LEVEL_KEY);
  if (at < 0) return undefined;
  const from = at + LEVEL_KEY.length;
  const to = line.indexOf('"', from);
  return to < 0 ? undefined : line.slice(from, to);
}
