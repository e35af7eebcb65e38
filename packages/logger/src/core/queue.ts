import { formsOf, type Taken } from '../batch/builder.js';
import type { Capture, Template } from '../encode/template.js';

/** Makes room in `out.nums` for `more` values: four a record at first (`out.count` is the batch's capacity until it is finished). */
function growNums(out: Taken, more: number): void {
  const nums = new Float64Array(Math.max(2 * out.nums.length, out.numCount + more, 4 * out.count));
  nums.set(out.nums);
  out.nums = nums;
}

/**
 * The bounded queue of one async context: records waiting for the flusher,
 * each as its sequence number, its time, and either the tail of its JSON line
 * (see `batch/packed.ts`) or a template with the record's field values (see
 * `encode/template.ts`), serialized or copied at the call. Rings that grow by
 * doubling and never shrink: once they have reached the size a program
 * needs, a log call only stores a few slots, and no array is reallocated or
 * copied on the hot path.
 */
export class ContextQueue {
  /** Records waiting. */
  size = 0;
  /** True while the queue is on the core's list of queues holding records. */
  listed = false;
  private entries: (string | Template | undefined)[];
  private seqs: Float64Array;
  private times: Float64Array;
  private head = 0;
  private mask: number;
  /** Number and boolean values of template records, oldest first. */
  private nums = new Float64Array(64);
  private numHead = 0;
  private numSize = 0;
  /** String values of template records, oldest first. */
  private strs: (string | undefined)[] = new Array(64).fill(undefined);
  private strHead = 0;
  private strSize = 0;

  /**
   * @param capacity Records the queue holds before its overflow policy applies.
   * @param label Name shown in `stats()`: the context's tag, or `root`.
   * @param initial Slots to start with (a power of two); the ring doubles as needed.
   */
  constructor(
    readonly capacity: number,
    public label: string,
    initial = 64,
  ) {
    this.entries = new Array(initial).fill(undefined);
    this.seqs = new Float64Array(initial);
    this.times = new Float64Array(initial);
    this.mask = initial - 1;
  }

  /**
   * Appends one record as its line tail and returns its size (the tail's
   * length). The caller has checked there is room.
   */
  push(tail: string, seq: number, time: number): number {
    this.pushEntry(tail, seq, time);
    return tail.length;
  }

  /**
   * Appends one record as `template` with the values in `capture`, and
   * returns its size: `Template.chars` and its strings' lengths. Apart from
   * `push` so that each stays small enough for V8 to inline into the level
   * call that uses it. The caller has checked there is room.
   */
  pushTemplate(template: Template, seq: number, time: number, capture: Capture): number {
    const c = capture;
    let size = template.chars;
    if (this.numSize + c.numCount > this.nums.length || this.strSize + c.strCount > this.strs.length)
      this.growValues(c);
    const numMask = this.nums.length - 1;
    for (let j = 0; j < c.numCount; j++) this.nums[(this.numHead + this.numSize++) & numMask] = c.nums[j] as number;
    const strMask = this.strs.length - 1;
    for (let j = 0; j < c.strCount; j++) {
      const s = c.strs[j] as string;
      this.strs[(this.strHead + this.strSize++) & strMask] = s;
      size += s.length;
    }
    this.pushEntry(template, seq, time);
    return size;
  }

  private pushEntry(entry: string | Template, seq: number, time: number): void {
    if (this.size > this.mask) this.grow();
    const i = (this.head + this.size) & this.mask;
    this.entries[i] = entry;
    this.seqs[i] = seq;
    this.times[i] = time;
    this.size++;
  }

  private grow(): void {
    const n = this.entries.length;
    const entries = new Array<string | Template | undefined>(n * 2).fill(undefined);
    const seqs = new Float64Array(n * 2);
    const times = new Float64Array(n * 2);
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & this.mask;
      entries[k] = this.entries[i];
      seqs[k] = this.seqs[i] as number;
      times[k] = this.times[i] as number;
    }
    this.entries = entries;
    this.seqs = seqs;
    this.times = times;
    this.head = 0;
    this.mask = n * 2 - 1;
  }

  /** Grows the value rings until `capture`'s values fit. */
  private growValues(capture: Capture): void {
    while (this.numSize + capture.numCount > this.nums.length) this.growNums();
    while (this.strSize + capture.strCount > this.strs.length) this.growStrs();
  }

  private growNums(): void {
    const old = this.nums;
    const nums = new Float64Array(old.length * 2);
    for (let k = 0; k < this.numSize; k++) nums[k] = old[(this.numHead + k) & (old.length - 1)] as number;
    this.nums = nums;
    this.numHead = 0;
  }

  private growStrs(): void {
    const old = this.strs;
    const strs = new Array<string | undefined>(old.length * 2).fill(undefined);
    for (let k = 0; k < this.strSize; k++) strs[k] = old[(this.strHead + k) & (old.length - 1)];
    this.strs = strs;
    this.strHead = 0;
  }

  /** Sequence number of the oldest waiting record; `Infinity` when empty. */
  headSeq(): number {
    return this.size > 0 ? (this.seqs[this.head] as number) : Number.POSITIVE_INFINITY;
  }

  /**
   * Moves the oldest `count` records into `out` from index `from` on: each
   * one's seq and time into `out.st`, its tail into `out.tails` or its
   * template and values into `out`'s (see `Taken`), and adds its size (as
   * `push` and `pushTemplate` gave it) to `out.chars`. Returns what they add
   * to the batch as sent: their sizes, a tail the batch already holds counted
   * 0. A batch moves in one call, with the rings in locals: per record this
   * is most of what a drain costs. The caller has checked the queue holds
   * `count` records.
   */
  shiftInto(out: Taken, from: number, count: number): number {
    const entries = this.entries;
    const seqs = this.seqs;
    const times = this.times;
    const mask = this.mask;
    const st = out.st;
    const strs = this.strs;
    const strMask = strs.length - 1;
    let h = this.head;
    let strHead = this.strHead;
    let numsTaken = 0;
    let strsTaken = 0;
    let chars = 0;
    let sent = 0;
    const end = from + count;
    for (let k = from; k < end; k++) {
      const entry = entries[h] as string | Template;
      st[2 * k] = seqs[h] as number;
      st[2 * k + 1] = times[h] as number;
      entries[h] = undefined;
      h = (h + 1) & mask;
      if (typeof entry === 'string') {
        // A line logged over and over (the same message, the same error) travels once a batch.
        chars += entry.length;
        if (entry === out.lastTail) {
          formsOf(out)[k] = -2;
          out.repeats++;
        } else {
          out.tails.push(entry);
          out.lastTail = entry;
          sent += entry.length;
        }
        continue;
      }
      if (entry.stamp !== out.stamp) {
        entry.stamp = out.stamp;
        entry.index = out.templates.length;
        out.templates.push(entry.text);
      }
      formsOf(out)[k] = entry.index;
      let size = entry.chars;
      // Number values are copied below, all at once: they lie in the ring in the records' order.
      numsTaken += entry.numbers;
      const strings = entry.strings;
      if (strings > 0) {
        const outStrs = out.strs;
        for (let j = 0; j < strings; j++) {
          const i = (strHead + j) & strMask;
          const str = strs[i] as string;
          outStrs.push(str);
          size += str.length;
          strs[i] = undefined;
        }
        strHead = (strHead + strings) & strMask;
        strsTaken += strings;
      }
      chars += size;
      sent += size;
    }
    if (numsTaken > 0) this.copyNums(out, numsTaken);
    this.head = h;
    this.size -= count;
    this.strHead = strHead;
    this.strSize -= strsTaken;
    out.chars += chars;
    return sent;
  }

  /**
   * Moves the oldest `count` number values to the end of `out.nums`: one
   * native copy, or two where the ring wraps.
   */
  private copyNums(out: Taken, count: number): void {
    if (out.numCount + count > out.nums.length) growNums(out, count);
    const nums = this.nums;
    const from = this.numHead;
    const first = Math.min(count, nums.length - from);
    out.nums.set(nums.subarray(from, from + first), out.numCount);
    if (first < count) out.nums.set(nums.subarray(0, count - first), out.numCount + first);
    out.numCount += count;
    this.numHead = (from + count) & (nums.length - 1);
    this.numSize -= count;
  }

  /**
   * How many of the oldest records fit in `max` records and `maxChars`
   * characters as sent (at least one; a tail the same as the one before not
   * counted again: see `shiftInto`).
   */
  measure(max: number, maxChars: number): number {
    const end = Math.min(this.size, max);
    const entries = this.entries;
    const head = this.head;
    const mask = this.mask;
    const strs = this.strs;
    const strMask = strs.length - 1;
    let str = this.strHead;
    let chars = 0;
    let k = 0;
    let lastTail: string | undefined;
    while (k < end && (chars < maxChars || k === 0)) {
      const entry = entries[(head + k) & mask] as string | Template;
      if (typeof entry !== 'string') {
        // With its string values: a batch of records that each carry a long string stays bounded.
        chars += entry.chars;
        for (let j = 0; j < entry.strings; j++) chars += (strs[(str + j) & strMask] as string).length;
        str += entry.strings;
      } else if (entry !== lastTail) {
        chars += entry.length;
        lastTail = entry;
      }
      k++;
    }
    return k;
  }

  /** Drops the oldest record and returns its sequence number (overflow policy `drop`). */
  evictOldest(): number {
    const seq = this.seqs[this.head] as number;
    const entry = this.entries[this.head];
    if (entry !== undefined && typeof entry !== 'string') {
      this.numHead = (this.numHead + entry.numbers) & (this.nums.length - 1);
      this.numSize -= entry.numbers;
      for (let j = 0; j < entry.strings; j++) this.strs[(this.strHead + j) & (this.strs.length - 1)] = undefined;
      this.strHead = (this.strHead + entry.strings) & (this.strs.length - 1);
      this.strSize -= entry.strings;
    }
    this.entries[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return seq;
  }

  /** Slots the ring holds now (for tests: it grows, and never beyond what was queued at once). */
  get slots(): number {
    return this.entries.length;
  }
}
