/**
 * Records as they leave the logging thread. Every record line starts with
 * `{"seq":N,"ts":T`: two numbers whose text costs the logging thread more
 * than the rest of a call (printing them, then copying the pieces together
 * once more to join a batch). So the logging thread keeps the numbers as
 * numbers, and builds at most each line's tail: a record whose fields are a
 * flat object travels as a template and its values (see `template.ts`). The
 * thread that writes turns them into text.
 */
export interface PackedRecords {
  /** Sequence number and time (ms since `origin`, to the µs) of each record, interleaved: `[seq, t, seq, t, …]`. */
  st: Float64Array;
  /** What the times count from, in ms since the epoch: the logging thread's `performance.timeOrigin`. Absent: 0. */
  origin?: number;
  /** Line tails (`,"level":…}`) of the records sent as text, joined with `\n`. JSON text never holds a raw newline. */
  tails: string;
  /**
   * Per record: -1 when its tail is the next of `tails`, -2 when it is the
   * same as the last one read from `tails` (a record logged over and over
   * travels once a batch), else the index of its template in `templates`.
   * Absent when every record is the next of `tails`.
   */
  forms?: Int32Array;
  /** Templates (`Template.text`): value kinds, then the text around the values, separated by `\n`. */
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
 * JSON lines of packed records after `head`, each `{"seq":N,"ts":T` and the
 * record's tail, each followed by `end` (a newline, or `,\n` inside a `batch`
 * message) but the last, which is followed by `last`. The time has three
 * decimals, printed from integers. A template record's tail
 * is its template's text with its values printed as `JSON.stringify` would.
 *
 * Self-contained (no imports, nothing else from this module): the session
 * recorder's thread runs it from its source text.
 */
export function formatPacked(packed: PackedRecords, end = '\n', head = '', last = end): string {
  const { st, tails, forms, nums, strs } = packed;
  const origin = packed.origin ?? 0;
  // Characters a JSON string must escape, and lone surrogates (as in `encode.ts`).
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON must escape exactly these control characters.
  const needsEscape = /["\\\u0000-\u001f\ud800-\udfff]/;
  const templates = (packed.templates ?? []).map((text) => text.split('\n'));
  let out = head;
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
    out += `{"seq":${seq < 2147483648 ? seq | 0 : seq},"ts":${msText}${us < 10 ? '00' : us < 100 ? '0' : ''}${us}${tail}${k + 2 < st.length ? end : last}`;
  }
  return out;
}

/** A batch as every sink gets it: packed for sinks on threads of their own, as lines for the rest. */
export class RecordBatch {
  private text: string | undefined;

  constructor(
    readonly packed: PackedRecords,
    readonly firstSeq: number,
    readonly lastSeq: number,
    readonly count: number,
  ) {}

  /** JSON lines, each ending in `\n`; built on first read, so a batch only written packed never builds them. */
  get lines(): string {
    this.text ??= formatPacked(this.packed);
    return this.text;
  }
}
