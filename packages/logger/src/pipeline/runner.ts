import type { Consumer } from './consumer.js';
import { LineBatch } from './line-batch.js';
import type { Output, OutputStats } from './output.js';
import type { ResolvedOutput } from './protocol.js';

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
  readonly stats: OutputStats;
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
    this.stats = { name: spec.name, written: 0, failed: 0, dropped: 0, backlog: 0, errors: 0 };
    load.then(
      (output) => {
        this.output = output;
        this.pump();
      },
      (err) => {
        this.loadFailed = true;
        this.fail(err, 0);
        const lost = this.waiting.splice(0);
        for (const batch of lost) this.stats.failed += batch.count;
        this.waitingChars = 0;
        this.stats.backlog = 0;
        this.settle();
      },
    );
  }

  /** Takes a batch (the records of its level and above), dropping the oldest waiting ones past the bound. */
  take(batch: LineBatch): void {
    const kept = this.spec.level === undefined ? batch : batch.atLeast(this.spec.level);
    if (kept === undefined) return;
    if (this.loadFailed) {
      this.stats.failed += kept.count;
      this.events.changed();
      return;
    }
    this.waiting.push(kept);
    this.waitingChars += kept.text.length;
    this.stats.backlog += kept.count;
    while (this.waitingChars > this.spec.maxBacklogChars && this.waiting.length > 1) {
      const oldest = this.waiting.shift() as LineBatch;
      this.waitingChars -= oldest.text.length;
      this.stats.backlog -= oldest.count;
      this.stats.dropped += oldest.count;
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
      this.stats.written += batch.count;
      this.events.changed();
    }
    this.settle();
  }

  private done(count: number): void {
    this.writing = false;
    this.stats.written += count;
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
    this.stats.backlog -= batch.count;
    return batch;
  }

  private fail(err: unknown, records: number): void {
    const message = err instanceof Error ? err.message : String(err);
    this.stats.errors++;
    this.stats.failed += records;
    this.stats.lastError = message;
    if (this.stats.errors === 1) this.events.failed(this.spec.name, message);
    this.events.changed();
  }

  private settle(): void {
    if (!this.idle()) return;
    const waiters = this.idleWaiters.splice(0);
    for (const w of waiters) w();
  }
}
