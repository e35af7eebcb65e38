/**
 * The bounded queue of one async context: records already serialized to JSON
 * lines, with their sequence numbers, waiting for the flusher. Taking from the
 * head moves an index instead of shifting the arrays, so both ends are O(1).
 */
export class ContextQueue {
  /** Lines in arrival order; slots before `head` are already taken. */
  lines: (string | undefined)[] = [];
  /** Sequence number of each line, ascending. */
  seqs: number[] = [];
  /** Index of the oldest record still queued. */
  head = 0;
  /** True while the queue is on the core's list of queues holding records. */
  listed = false;

  /**
   * @param capacity Records the queue holds before its overflow policy applies.
   * @param label Name shown in `stats()`: the context's tag, or `root`.
   */
  constructor(
    readonly capacity: number,
    public label: string,
  ) {}

  /** Records waiting. */
  get size(): number {
    return this.lines.length - this.head;
  }

  /** Appends one record. The caller has checked there is room. */
  push(line: string, seq: number): void {
    this.lines.push(line);
    this.seqs.push(seq);
  }

  /** Sequence number of the oldest waiting record; `Infinity` when empty. */
  headSeq(): number {
    return this.head < this.seqs.length ? (this.seqs[this.head] as number) : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the oldest line. The caller has checked the queue is not empty. */
  shift(): string {
    const line = this.lines[this.head] as string;
    this.lines[this.head] = undefined;
    this.head++;
    if (this.head === this.lines.length) this.clear();
    else this.compact();
    return line;
  }

  /** How many of the oldest records fit in `max` records and `maxChars` characters (at least one), and their size. */
  measure(max: number, maxChars: number): { count: number; chars: number } {
    const end = Math.min(this.lines.length, this.head + max);
    let chars = 0;
    let i = this.head;
    while (i < end && (chars < maxChars || i === this.head)) {
      chars += (this.lines[i] as string).length;
      i++;
    }
    return { count: i - this.head, chars };
  }

  /**
   * Removes up to `max` of the oldest lines and returns them in order. Used
   * when only this queue holds records, the common case, so no merge is needed.
   */
  take(max: number): string[] {
    const end = Math.min(this.lines.length, this.head + max);
    let out: string[];
    if (this.head === 0 && end === this.lines.length) {
      out = this.lines as string[];
      this.lines = [];
      this.seqs = [];
      return out;
    }
    out = this.lines.slice(this.head, end) as string[];
    this.head = end;
    if (this.head === this.lines.length) this.clear();
    else this.compact();
    return out;
  }

  /** Drops the oldest record and returns its sequence number (overflow policy `drop`). */
  evictOldest(): number {
    const seq = this.seqs[this.head] as number;
    this.shift();
    return seq;
  }

  private clear(): void {
    this.lines = [];
    this.seqs = [];
    this.head = 0;
  }

  /** Reclaims the taken slots once they outnumber the waiting ones, keeping memory bounded. */
  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.lines.length) {
      this.lines = this.lines.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
  }
}
