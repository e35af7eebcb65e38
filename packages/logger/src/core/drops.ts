/**
 * What the logger has lost, and what it still owes the pipeline and the user
 * about it: a count, one pending notice covering the run of seqs lost since
 * the pipeline last heard, and a stderr line at most once a second while a
 * queue overflows.
 */
export class DropLedger {
  /** Records lost in all: overflow, values that could not be encoded, calls after the end. */
  count = 0;
  /** `count` by reason: a full queue, a value that could not be encoded, a call after the end. */
  readonly reasons = { overflow: 0, unencodable: 0, closed: 0 };
  private notice = { from: 0, to: 0, count: 0 };
  private lastWarning = 0;
  private sinceWarning = 0;

  /** Counts a record that took a sequence number but will never reach the pipeline. */
  lost(seq: number, reason: 'overflow' | 'unencodable'): void {
    this.count++;
    this.reasons[reason]++;
    const notice = this.notice;
    if (notice.count === 0 || seq < notice.from) notice.from = seq;
    if (seq > notice.to) notice.to = seq;
    notice.count++;
  }

  /** Counts a call that never got a sequence number (the logger had ended). */
  refused(): void {
    this.count++;
    this.reasons.closed++;
  }

  /**
   * Counts a record evicted from a full queue. Returns the line to print on
   * stderr, at most once a second, or `undefined`.
   */
  evicted(seq: number, label: string, capacity: number, now: number): string | undefined {
    this.lost(seq, 'overflow');
    this.sinceWarning++;
    if (now - this.lastWarning < 1000) return undefined;
    this.lastWarning = now;
    const line = `pulselog: the queue of context '${label}' is full (${capacity} records) and the pipeline cannot keep up; dropped ${this.sinceWarning} oldest record(s) of that context (overflow 'drop'; ${this.count} in all)\n`;
    this.sinceWarning = 0;
    return line;
  }

  /** The run of seqs lost since the last call, to tell the pipeline; `undefined` when none. */
  takeNotice(): { from: number; to: number; count: number } | undefined {
    const notice = this.notice;
    if (notice.count === 0) return undefined;
    this.notice = { from: 0, to: 0, count: 0 };
    return notice;
  }
}
