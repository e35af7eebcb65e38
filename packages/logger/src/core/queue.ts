import type { Taken } from './merge.js';

/**
 * The bounded queue of one async context: records waiting for the flusher,
 * each as its sequence number, its time and the tail of its JSON line (see
 * `packed.ts`), serialized at the call. A ring that
 * grows by doubling and never shrinks: once it has reached the size a program
 * needs, a log call only stores two slots, and no array is reallocated or
 * copied on the hot path.
 */
export class ContextQueue {
  /** Records waiting. */
  size = 0;
  /** True while the queue is on the core's list of queues holding records. */
  listed = false;
  private tails: (string | undefined)[];
  private seqs: Float64Array;
  private times: Float64Array;
  private head = 0;
  private mask: number;

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
    this.tails = new Array(initial).fill(undefined);
    this.seqs = new Float64Array(initial);
    this.times = new Float64Array(initial);
    this.mask = initial - 1;
  }

  /** Appends one record. The caller has checked there is room. */
  push(tail: string, seq: number, time: number): void {
    if (this.size > this.mask) this.grow();
    const i = (this.head + this.size) & this.mask;
    this.tails[i] = tail;
    this.seqs[i] = seq;
    this.times[i] = time;
    this.size++;
  }

  private grow(): void {
    const n = this.tails.length;
    const tails = new Array<string | undefined>(n * 2).fill(undefined);
    const seqs = new Float64Array(n * 2);
    const times = new Float64Array(n * 2);
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & this.mask;
      tails[k] = this.tails[i];
      seqs[k] = this.seqs[i] as number;
      times[k] = this.times[i] as number;
    }
    this.tails = tails;
    this.seqs = seqs;
    this.times = times;
    this.head = 0;
    this.mask = n * 2 - 1;
  }

  /** Sequence number of the oldest waiting record; `Infinity` when empty. */
  headSeq(): number {
    return this.size > 0 ? (this.seqs[this.head] as number) : Number.POSITIVE_INFINITY;
  }

  /**
   * Moves the oldest record into `out` at index `k`: its tail into
   * `out.tails`, its seq and time into `out.st`. Returns the tail's length.
   * The caller has checked the queue is not empty.
   */
  shiftInto(out: Taken, k: number): number {
    const h = this.head;
    const tail = this.tails[h] as string;
    out.tails[k] = tail;
    out.st[2 * k] = this.seqs[h] as number;
    out.st[2 * k + 1] = this.times[h] as number;
    this.tails[h] = undefined;
    this.head = (h + 1) & this.mask;
    this.size--;
    return tail.length;
  }

  /** How many of the oldest records fit in `max` records and `maxChars` characters of tails (at least one), and their size. */
  measure(max: number, maxChars: number): { count: number; chars: number } {
    const end = Math.min(this.size, max);
    let chars = 0;
    let k = 0;
    while (k < end && (chars < maxChars || k === 0)) {
      chars += (this.tails[(this.head + k) & this.mask] as string).length;
      k++;
    }
    return { count: k, chars };
  }

  /** Drops the oldest record and returns its sequence number (overflow policy `drop`). */
  evictOldest(): number {
    const seq = this.seqs[this.head] as number;
    this.tails[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return seq;
  }

  /** Slots the ring holds now (for tests: it grows, and never beyond what was queued at once). */
  get slots(): number {
    return this.tails.length;
  }
}
