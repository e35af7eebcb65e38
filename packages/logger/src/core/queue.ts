/**
 * The bounded queue of one async context: records already serialized to JSON
 * lines, with their sequence numbers, waiting for the flusher. A ring that
 * grows by doubling and never shrinks: once it has reached the size a program
 * needs, a log call only stores two slots, and no array is reallocated or
 * copied on the hot path.
 */
export class ContextQueue {
  /** Records waiting. */
  size = 0;
  /** True while the queue is on the core's list of queues holding records. */
  listed = false;
  private lines: (string | undefined)[];
  private seqs: Float64Array;
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
    this.lines = new Array(initial).fill(undefined);
    this.seqs = new Float64Array(initial);
    this.mask = initial - 1;
  }

  /** Appends one record. The caller has checked there is room. */
  push(line: string, seq: number): void {
    if (this.size > this.mask) this.grow();
    const i = (this.head + this.size) & this.mask;
    this.lines[i] = line;
    this.seqs[i] = seq;
    this.size++;
  }

  private grow(): void {
    const n = this.lines.length;
    const lines = new Array<string | undefined>(n * 2).fill(undefined);
    const seqs = new Float64Array(n * 2);
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & this.mask;
      lines[k] = this.lines[i];
      seqs[k] = this.seqs[i] as number;
    }
    this.lines = lines;
    this.seqs = seqs;
    this.head = 0;
    this.mask = n * 2 - 1;
  }

  /** Sequence number of the oldest waiting record; `Infinity` when empty. */
  headSeq(): number {
    return this.size > 0 ? (this.seqs[this.head] as number) : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the oldest line. The caller has checked the queue is not empty. */
  shift(): string {
    const line = this.lines[this.head] as string;
    this.lines[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.size--;
    return line;
  }

  /** Removes up to `max` of the oldest lines and returns them in order. */
  take(max: number): string[] {
    const n = Math.min(max, this.size);
    const out = new Array<string>(n);
    for (let k = 0; k < n; k++) out[k] = this.shift();
    return out;
  }

  /** How many of the oldest records fit in `max` records and `maxChars` characters (at least one), and their size. */
  measure(max: number, maxChars: number): { count: number; chars: number } {
    const end = Math.min(this.size, max);
    let chars = 0;
    let k = 0;
    while (k < end && (chars < maxChars || k === 0)) {
      chars += (this.lines[(this.head + k) & this.mask] as string).length;
      k++;
    }
    return { count: k, chars };
  }

  /** Drops the oldest record and returns its sequence number (overflow policy `drop`). */
  evictOldest(): number {
    const seq = this.seqs[this.head] as number;
    this.shift();
    return seq;
  }

  /** Slots the ring holds now (for tests: it grows, and never beyond what was queued at once). */
  get slots(): number {
    return this.lines.length;
  }
}
