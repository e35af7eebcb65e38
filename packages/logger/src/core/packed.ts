/**
 * Records as they leave the logging thread. Every record line starts with
 * `{"seq":N,"ts":T`: two numbers whose text costs the logging thread more
 * than the rest of a call (printing them, then copying the pieces together
 * once more to join a batch). So the logging thread keeps the numbers as
 * numbers and builds only each line's tail; the thread that writes turns
 * them into text.
 */
export interface PackedRecords {
  /** Sequence number and time (ms since the epoch, to the µs) of each record, interleaved: `[seq, t, seq, t, …]`. */
  st: Float64Array;
  /** Each record's line after its time (`,"level":…}`), joined with `\n`. JSON text never holds a raw newline. */
  tails: string;
}

/**
 * JSON lines of packed records, each `{"seq":N,"ts":T` and the record's tail,
 * each followed by `end` (a newline, or `,\n` inside a `batch` message). The
 * time has three decimals, printed from integers.
 *
 * Self-contained (no imports, nothing else from this module): the session
 * recorder's thread runs it from its source text.
 */
export function formatPacked(st: Float64Array, tails: string, end = '\n'): string {
  let out = '';
  let from = 0;
  let lastMs = -1;
  let msText = '';
  for (let k = 0; k < st.length; k += 2) {
    let to = tails.indexOf('\n', from);
    if (to < 0) to = tails.length;
    const t = st[k + 1] as number;
    const ms = Math.floor(t);
    if (ms !== lastMs) {
      lastMs = ms;
      msText = `${ms}.`;
    }
    // Small integers print fastest: V8 turns a double into text by a much longer road.
    const us = ((t - ms) * 1000) | 0;
    const seq = st[k] as number;
    out += `{"seq":${seq < 2147483648 ? seq | 0 : seq},"ts":${msText}${us < 10 ? '00' : us < 100 ? '0' : ''}${us}${tails.slice(from, to)}${end}`;
    from = to + 1;
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
    this.text ??= formatPacked(this.packed.st, this.packed.tails);
    return this.text;
  }
}
