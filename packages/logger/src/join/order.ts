/**
 * Puts the records of joined sources in time order before they are handed
 * on. Each source's batches arrive every few milliseconds, each in its own
 * order; records are held `windowMs` past their time (at most `maxHoldMs`
 * past their arrival, so a source whose clock runs ahead is not held
 * forever) and released merged by time across sources, each source's own
 * order kept. A pure core: the caller gives the clock, runs `release`, and
 * `settle` once it has handed the records on.
 */

/** A run of consecutive records of one source, as released. */
export interface Released {
  source: string;
  times: number[];
  tails: string[];
}

/** One message of a source: its records and what to do once all are released. */
interface Held {
  times: Float64Array;
  tails: string[];
  /** Index of the next record to release. */
  next: number;
  arrived: number;
  done: () => void;
}

export class TimeOrder {
  private readonly queues = new Map<string, Held[]>();
  /** `done` of the messages released in full, run by `settle` once their records are handed on. */
  private readonly finished: (() => void)[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly maxHoldMs: number,
  ) {}

  /** Records waiting, in all. */
  get size(): number {
    let n = 0;
    for (const queue of this.queues.values()) for (const held of queue) n += held.tails.length - held.next;
    return n;
  }

  /** Holds a message of `source`; `done` runs (see `settle`) once its last record is released. */
  add(source: string, times: Float64Array, tails: string[], now: number, done: () => void): void {
    if (tails.length === 0) {
      done();
      return;
    }
    let queue = this.queues.get(source);
    if (queue === undefined) {
      queue = [];
      this.queues.set(source, queue);
    }
    queue.push({ times, tails, next: 0, arrived: now, done });
  }

  /**
   * Releases, merged by time, every record due at `now` (or every record of
   * `only`, a source that left, or every record at all with `all`).
   */
  release(now: number, options: { all?: boolean; only?: string } = {}): Released[] {
    const out: Released[] = [];
    const cutoff = now - this.windowMs;
    const overdue = now - this.maxHoldMs;
    const due = (source: string, held: Held) =>
      options.all === true ||
      options.only === source ||
      (held.times[held.next] as number) <= cutoff ||
      held.arrived <= overdue;
    for (;;) {
      let best: string | undefined;
      let bestTime = Number.POSITIVE_INFINITY;
      for (const [source, queue] of this.queues) {
        const head = queue[0];
        if (head === undefined || !due(source, head)) continue;
        const time = head.times[head.next] as number;
        if (best === undefined || time < bestTime) {
          best = source;
          bestTime = time;
        }
      }
      if (best === undefined) break;
      const queue = this.queues.get(best) as Held[];
      const head = queue[0] as Held;
      let run = out.at(-1);
      if (run?.source !== best) {
        run = { source: best, times: [], tails: [] };
        out.push(run);
      }
      run.times.push(bestTime);
      run.tails.push(head.tails[head.next] as string);
      if (++head.next === head.tails.length) {
        queue.shift();
        if (queue.length === 0) this.queues.delete(best);
        this.finished.push(head.done);
      }
    }
    return out;
  }

  /**
   * Runs the `done` of every message released in full so far. The caller
   * runs it once what `release` returned is handed on: a joiner acknowledged
   * sooner could end before its records are.
   */
  settle(): void {
    for (const done of this.finished.splice(0)) done();
  }
}
