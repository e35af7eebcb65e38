/**
 * Builds one batch of packed records (see `packed.ts`) from records taken in
 * `seq` order: what the logging thread's queues write into when a batch
 * leaves. Below the queues, so that nothing here imports them.
 */
import { performance } from 'node:perf_hooks';
import type { PackedRecords } from './packed.js';

/** Records taken from the queues for one batch, in ascending `seq` order. */
export interface Taken {
  /** Line tails of the records taken as text, in order. */
  tails: string[];
  /**
   * Each record's form (`PackedRecords.forms`). Made (see `formsOf`) for the
   * first record that is not -1: a batch of plain lines, the most common,
   * allocates no array for it.
   */
  forms: Int32Array | undefined;
  /** The last of `tails`, which a record with the same tail refers to instead of adding it again. */
  lastTail: string | undefined;
  /** Records marked -2 in `forms`. */
  repeats: number;
  /** Wire texts of the templates used (see `template.ts`). */
  templates: string[];
  /** Number and boolean values of template records, in order: the first `numCount`. Empty until a template record needs it. */
  nums: Float64Array;
  numCount: number;
  /** String values of template records, in order. */
  strs: string[];
  /** Tells this batch's template numbering from earlier ones'. */
  stamp: number;
  /** Each record's seq and time, interleaved: `[seq, t, seq, t, …]`. */
  st: Float64Array;
  count: number;
  firstSeq: number;
  lastSeq: number;
  /** Size of the records: characters in `tails`, plus `Template.chars` and string lengths for template records. */
  chars: number;
  /** The same, with a repeated tail counted once (see `PackedRecords.sent`). */
  sent: number;
}

let stamps = 0;
const NO_NUMS = new Float64Array(0);

/** `taken.forms`, made on first use with every record marked -1 (the next of `tails`). */
export function formsOf(taken: Taken): Int32Array {
  if (taken.forms === undefined) taken.forms = new Int32Array(taken.count).fill(-1);
  return taken.forms;
}

/** An empty batch with room for `capacity` records. */
export function emptyTaken(capacity: number): Taken {
  return {
    tails: [],
    forms: undefined,
    lastTail: undefined,
    repeats: 0,
    templates: [],
    nums: NO_NUMS,
    numCount: 0,
    strs: [],
    stamp: ++stamps,
    st: new Float64Array(2 * capacity),
    count: capacity,
    firstSeq: 0,
    lastSeq: 0,
    chars: 0,
    sent: 0,
  };
}

/** Trims `taken` to the `count` records filled in and notes its first and last seq. */
export function finish(taken: Taken, count: number): Taken {
  if (count < taken.count) {
    taken.st = taken.st.subarray(0, 2 * count);
    taken.forms = taken.forms?.subarray(0, count);
  }
  taken.count = count;
  taken.firstSeq = taken.st[0] as number;
  taken.lastSeq = taken.st[2 * count - 2] as number;
  return taken;
}

/** The packed form of `taken`, as it is posted to the pipeline thread. */
export function packTaken(taken: Taken): PackedRecords {
  const packed: PackedRecords = {
    st: taken.st,
    origin: performance.timeOrigin,
    tails: taken.tails.join('\n'),
    chars: taken.chars,
    sent: taken.sent + 16 * taken.count,
  };
  if (taken.forms !== undefined) packed.forms = taken.forms;
  if (taken.templates.length > 0) {
    packed.templates = taken.templates;
    if (taken.numCount > 0) packed.nums = taken.nums.subarray(0, taken.numCount);
    if (taken.strs.length > 0) packed.strs = taken.strs;
  }
  return packed;
}
