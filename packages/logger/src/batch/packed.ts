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
 * values. The pipeline thread turns them into text (`formatPacked`).
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

/**
 * JSON lines of packed records, each `{"seq":N,"ts":T` and the record's
 * tail, each followed by a newline. The time has three decimals, printed
 * from integers. A template record's tail is its template's text with its
 * values printed as `JSON.stringify` would.
 */
export function formatPacked(packed: PackedRecords): string {
  const { st, tails, forms, nums, strs } = packed;
  const origin = packed.origin ?? 0;
  // Characters a JSON string must escape, and lone surrogates (as in `encode.ts`).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON must escape exactly these control characters.
  const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;
  const templates = (packed.templates ?? []).map((text) => text.split('\n'));
  let out = '';
  let from = 0;
  let num = 0;
  let str = 0;
  let lastMs = -1;
  let msText = '';
  let lastTail = '';
  for (let k = 0; k < st.length; k += 2) {
    const form = forms === undefined ? -1 : (forms[k >> 1] as number);
    let tail: string;
    if (form === -1) {
      let to = tails.indexOf('\n', from);
      if (to < 0) to = tails.length;
      tail = tails.slice(from, to);
      lastTail = tail;
      from = to + 1;
    } else if (form === -2) {
      tail = lastTail;
    } else {
      const parts = templates[form] as string[];
      const kinds = parts[0] as string;
      tail = parts[1] as string;
      for (let p = 0; p < kinds.length; p++) {
        const kind = kinds.charCodeAt(p);
        let value: string;
        if (kind === 110) value = `${nums?.[num++]}`;
        else if (kind === 98) value = nums?.[num++] === 1 ? 'true' : 'false';
        else if (kind === 115) {
          const s = strs?.[str++] as string;
          value = needsEscape.test(s) ? JSON.stringify(s) : `"${s}"`;
        } else value = 'null';
        tail += value + parts[p + 2];
      }
    }
    const t = origin + (st[k + 1] as number);
    const ms = Math.floor(t);
    if (ms !== lastMs) {
      lastMs = ms;
      msText = `${ms}.`;
    }
    // Small integers print fastest: V8 turns a double into text by a much longer road.
    const us = ((t - ms) * 1000) | 0;
    const seq = st[k] as number;
    out += `{"seq":${seq < 2147483648 ? seq | 0 : seq},"ts":${msText}${us < 10 ? '00' : us < 100 ? '0' : ''}${us}${tail}\n`;
  }
  return out;
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
