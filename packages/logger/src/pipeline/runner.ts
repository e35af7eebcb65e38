import type { Consumer } from './consumer.js';
import { LineBatch } from './line-batch.js';
import type { Output, OutputStats } from './output.js';
import type { ResolvedOutput } from './protocol.js';

/** How often the counters of an output that reports its own (`Output.stats`) are looked at. */
const OUTPUT_STATS_INTERVAL_MS = 250;

/** Most characters of lines handed to an output in one `write` when it has fallen behind. */
const MAX_WRITE_CHARS = 8 * 1024 * 1024;

/** What a runner tells the pipeline thread. */
export interface RunnerEvents {
  /** The output failed for the first time. */
  failed(name: string, message: string): void;
  /** A counter changed. */
  changed(): void;
}

/**
 * Runs one output inside the pipeline thread: its own bounded backlog of
 * batches, one `write` at a time, in order. A slow output holds up nobody:
 * past `maxBacklogChars` its oldest waiting batches are dropped and counted
 * for it alone. What `write` throws or rejects is counted, and the output
 * goes on with the next batch.
 */
export class OutputRunner implements Consumer {
  /** The runner's own counters; `stats` adds the output's. */
  private readonly own: OutputStats;
  private outputStatsTimer: NodeJS.Timeout | undefined;
  private lastOutputStats = '';
  private outputErrorSaid = false;
  private readonly waiting: LineBatch[] = [];
  private waitingChars = 0;
  private output: Output | undefined;
  private loadFailed = false;
  private writing = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly spec: ResolvedOutput,
    load: Promise<Output>,
    private readonly events: RunnerEvents,
  ) {
    this.own = { name: spec.name, written: 0, failed: 0, dropped: 0, backlog: 0, errors: 0 };
    load.then(
      (output) => {
        this.output = output;
        if (typeof output.stats === 'function') this.watchOutputStats();
        this.pump();
      },
      (err) => {
        this.loadFailed = true;
        this.fail(err, 0);
        const lost = this.waiting.splice(0);
        for (const batch of lost) this.own.failed += batch.count;
        this.waitingChars = 0;
        this.own.backlog = 0;
        this.settle();
      },
    );
  }

  /**
   * The output's counters: the runner's (taken, failed, dropped from the
   * backlog), with what an output that delivers on its own reports added.
   */
  get stats(): OutputStats {
    const delivery = this.readOutputStats();
    if (delivery === undefined) return this.own;
    const { sent, retrying, spooled, rejected, retries, lastError } = delivery;
    return {
      ...this.own,
      failed: this.own.failed + rejected,
      dropped: this.own.dropped + delivery.dropped,
      sent,
      retrying,
      spooled,
      rejected,
      retries,
      ...(lastError !== undefined || this.own.lastError !== undefined
        ? { lastError: lastError ?? this.own.lastError }
        : {}),
    };
  }

  /** Takes a batch (the records of its level and above), dropping the oldest waiting ones past the bound. */
  take(batch: LineBatch): void {
    const kept = this.spec.level === undefined ? batch : batch.atLeast(this.spec.level);
    if (kept === undefined) return;
    if (this.loadFailed) {
      this.own.failed += kept.count;
      this.events.changed();
      return;
    }
    this.waiting.push(kept);
    this.waitingChars += kept.text.length;
    this.own.backlog += kept.count;
    while (this.waitingChars > this.spec.maxBacklogChars && this.waiting.length > 1) {
      const oldest = this.waiting.shift() as LineBatch;
      this.waitingChars -= oldest.text.length;
      this.own.backlog -= oldest.count;
      this.own.dropped += oldest.count;
    }
    this.pump();
  }

  /** Outputs take records only. */
  line(): void {}

  /** True when nothing waits and no write is under way. */
  idle(): boolean {
    return !this.writing && (this.waiting.length === 0 || this.loadFailed);
  }

  /** Resolves true once idle, false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.idle()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /** Waits for the backlog (at most `timeoutMs`), then closes the output. */
  async close(timeoutMs: number): Promise<void> {
    try {
      await this.closeOutput(timeoutMs);
    } finally {
      clearInterval(this.outputStatsTimer);
      // What the output's last attempt changed, and its first error if it came only now.
      this.noteOutputStats();
    }
  }

  private async closeOutput(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    await this.whenIdle(timeoutMs);
    const output = this.output;
    if (output?.close === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        output.close(),
        new Promise((resolve) => {
          timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        }),
      ]);
    } catch (err) {
      this.fail(err, 0);
    } finally {
      clearTimeout(timer);
    }
  }

  private readOutputStats() {
    try {
      return this.output?.stats?.();
    } catch {
      // An output whose counters throw reports none; its writes are still counted.
      return undefined;
    }
  }

  /**
   * An output that delivers on its own changes its counters between writes
   * (a retry, a spool): they are looked at on a timer, and its first error is
   * said once like a failed write.
   */
  private watchOutputStats(): void {
    this.outputStatsTimer = setInterval(() => this.noteOutputStats(), OUTPUT_STATS_INTERVAL_MS);
    this.outputStatsTimer.unref();
  }

  private noteOutputStats(): void {
    const delivery = this.readOutputStats();
    if (delivery === undefined) return;
    if (!this.outputErrorSaid && delivery.lastError !== undefined) {
      this.outputErrorSaid = true;
      this.events.failed(this.spec.name, delivery.lastError);
    }
    const text = JSON.stringify(delivery);
    if (text === this.lastOutputStats) return;
    this.lastOutputStats = text;
    this.events.changed();
  }

  /** Hands the output what waits, a write at a time; a synchronous output is fed in a loop, not by recursion. */
  private pump(): void {
    while (!this.writing && this.output !== undefined && this.waiting.length > 0) {
      const batch = this.next();
      let result: void | Promise<void>;
      try {
        result = this.output.write(batch);
      } catch (err) {
        this.fail(err, batch.count);
        continue;
      }
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        this.writing = true;
        (result as Promise<void>).then(
          () => this.done(batch.count),
          (err) => {
            this.writing = false;
            this.fail(err, batch.count);
            this.pump();
          },
        );
        return;
      }
      this.own.written += batch.count;
      this.events.changed();
    }
    this.settle();
  }

  private done(count: number): void {
    this.writing = false;
    this.own.written += count;
    this.events.changed();
    this.pump();
  }

  /** The waiting batches the next write takes: all of them, up to `MAX_WRITE_CHARS`. */
  private next(): LineBatch {
    let n = 0;
    let chars = 0;
    while (
      n < this.waiting.length &&
      (n === 0 || chars + (this.waiting[n] as LineBatch).text.length <= MAX_WRITE_CHARS)
    ) {
      chars += (this.waiting[n] as LineBatch).text.length;
      n++;
    }
    const taken = this.waiting.splice(0, n);
    this.waitingChars -= chars;
    const batch = LineBatch.join(taken);
    this.own.backlog -= batch.count;
    return batch;
  }

  private fail(err: unknown, records: number): void {
    const message = err instanceof Error ? err.message : String(err);
    this.own.errors++;
    this.own.failed += records;
    this.own.lastError = message;
    if (this.own.errors === 1) this.events.failed(this.spec.name, message);
    this.events.changed();
  }

  private settle(): void {
    if (!this.idle()) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}
