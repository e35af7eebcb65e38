/**
 * Delivery that loses nothing, shared by the built-in outputs. Each output
 * says how to send a run of record lines (`Send`); this does the rest:
 *
 *   write(batch) ─▶ pending ──(batchRecords, batchBytes or batchInterval)──▶ runs in memory ─▶ send
 *                                                                                 │ 429, 5xx, network
 *                                                                                 ▼
 *                  .pulselog/spool/<output> ◀── every unsent run, in order ── retry with backoff
 *
 * While the backend is healthy, up to `concurrency` runs from memory are in
 * flight at once (started in order; they may arrive out of order, so an
 * output whose API needs order keeps the default of 1). Once one fails, no
 * more start; when the others have settled, every unsent run goes to disk in
 * its original order, and the spool is sent one run at a time.
 *
 * While the backend fails, runs wait on disk (bounded: the oldest dropped,
 * counted), so neither a long outage nor a restart of the program loses
 * them: a new output of the same name sends its spool first. A status that
 * is not worth retrying (another 4xx) refuses the run for good: counted,
 * and the server's message kept as the last error. At `close`, whatever is
 * unsent goes to the spool, then one attempt bounded by `exitTimeoutMs`
 * sends what it can; the rest stays spooled for the next run.
 */
import type { Output, OutputBatch, OutputDeliveryStats } from '../pipeline/output.js';
import { type BackoffBounds, retryDelay } from './backoff.js';
import type { Attempt } from './http.js';
import type { Spool } from './spool.js';

/** Sends a run of record lines; a thrown error (a network failure) means: try again later. */
export type Send = (lines: readonly string[], signal: AbortSignal) => Promise<Attempt>;

/** How a built-in output batches, retries and spools. */
export interface DeliverySettings {
  /** Most records in one request. */
  batchRecords: number;
  /** Most characters of lines in one request. */
  batchBytes: number;
  /** Longest time a record waits for its batch to fill, in ms. */
  batchInterval: number;
  /** Backoff between retries. */
  retry: BackoffBounds;
  /** Longest one request may take, in ms. */
  requestTimeout: number;
  /** Bound of the disk spool, in bytes. */
  maxSpoolBytes: number;
  /** Longest the last attempt at exit may take, in ms. */
  exitTimeout: number;
  /** Most requests in flight at once while the backend is healthy. */
  concurrency: number;
}

/** Defaults of `DeliverySettings`. */
export const DEFAULT_DELIVERY: DeliverySettings = {
  batchRecords: 1000,
  batchBytes: 1024 * 1024,
  batchInterval: 1000,
  retry: { baseMs: 500, maxMs: 30_000 },
  requestTimeout: 10_000,
  maxSpoolBytes: 256 * 1024 * 1024,
  exitTimeout: 5000,
  concurrency: 1,
};

/** Runs kept in memory beyond those in flight before `write` waits for the sender (backpressure to the output's backlog). */
const QUEUED_RUNS = 3;

/** A run read back from the spool. */
interface SpooledRun {
  lines: readonly string[];
  file: string;
}

/** An output built of a `Send`: batching, retries, a spool, counters. */
export class Delivery implements Output {
  private pending: string[] = [];
  private pendingChars = 0;
  /** Runs not yet delivered, oldest first: those in flight, then those waiting. */
  private readonly memory: string[][] = [];
  private readonly maxMemoryRuns: number;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private roomWaiters: (() => void)[] = [];
  private wake: (() => void) | undefined;
  /** Set while requests are in flight: a new run in memory may start at once. */
  private sealed: (() => void) | undefined;
  private readonly stop = new AbortController();
  private closing = false;
  /** True from a failed attempt until one succeeds. */
  private down = false;
  private failures = 0;
  private readonly counters = { sent: 0, dropped: 0, rejected: 0, retries: 0 };
  private lastError: string | undefined;

  constructor(
    private readonly send: Send,
    private readonly spool: Spool,
    private readonly settings: DeliverySettings,
  ) {
    this.maxMemoryRuns = settings.concurrency + QUEUED_RUNS;
    // What the last run of the program left: sent before anything new.
    if (!spool.empty) this.kick();
  }

  write(batch: OutputBatch): void | Promise<void> {
    if (this.closing) return;
    for (const line of batch.lines) {
      this.pending.push(line);
      this.pendingChars += line.length;
      if (this.pending.length >= this.settings.batchRecords || this.pendingChars >= this.settings.batchBytes) {
        this.seal();
      }
    }
    if (this.pending.length > 0 && this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.seal();
      }, this.settings.batchInterval);
      this.timer.unref();
    }
    if (this.memory.length < this.maxMemoryRuns) return;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  stats(): OutputDeliveryStats {
    const unsent = this.pending.length + this.memory.reduce((n, run) => n + run.length, 0) + this.spool.records;
    return {
      ...this.counters,
      retrying: this.down ? unsent : 0,
      spooled: this.spool.records,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.timer);
    this.seal();
    const deadline = Date.now() + this.settings.exitTimeout;
    const giveUp = setTimeout(() => this.stop.abort(), this.settings.exitTimeout);
    giveUp.unref();
    this.wake?.();
    await this.sending;
    // On disk first: if the program is killed during the last attempt, nothing is lost.
    this.spoolMemory();
    while (Date.now() < deadline && !this.stop.signal.aborted) {
      const run = this.spool.oldest();
      if (run === undefined) break;
      if (!(await this.deliverSpooled(run))) break;
    }
    clearTimeout(giveUp);
    this.releaseWaiters();
  }

  /** Makes a run of what is pending: in memory while the backend is healthy, on disk behind older runs otherwise. */
  private seal(): void {
    if (this.pending.length === 0) return;
    const lines = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    if (this.down || !this.spool.empty) this.toSpool(lines);
    else {
      this.memory.push(lines);
      this.sealed?.();
    }
    this.kick();
  }

  private kick(): void {
    if (this.sending !== undefined || this.closing) return;
    this.sending = this.sendAll().finally(() => {
      this.sending = undefined;
    });
  }

  /** Sends runs, oldest first (the spool is always older than the runs in memory), until none is left. */
  private async sendAll(): Promise<void> {
    while (!this.closing) {
      const file = this.spool.oldest();
      if (file === undefined && this.memory.length === 0) return;
      const delivered = file === undefined ? await this.deliverMemory() : await this.deliverSpooled(file);
      if (delivered) continue;
      if (this.closing) return;
      await this.sleep(retryDelay(this.failures, this.settings.retry, this.lastRetryAfter));
    }
  }

  private lastRetryAfter: string | null | undefined;

  /** One attempt at the oldest spooled run; true when nothing of it is left to retry. */
  private async deliverSpooled(run: SpooledRun): Promise<boolean> {
    const attempt = await this.attempt(run.lines);
    this.count(attempt);
    if (attempt.retry.length === 0) {
      this.spool.remove(run.file);
      this.recovered();
      return true;
    }
    this.spool.replace(run.file, attempt.retry);
    this.failed(attempt);
    return false;
  }

  /**
   * Sends the runs in memory, up to `concurrency` at once, each started as
   * soon as one before it settles; true when none is left. After a failure
   * none starts; once the rest have settled, what is unsent (the failed runs'
   * remainders and the runs not started) goes to disk in its original order,
   * before `down` is set, so that `seal` keeps adding behind it in memory.
   */
  private async deliverMemory(): Promise<boolean> {
    const started = new Set<string[]>();
    const inFlight = new Set<Promise<void>>();
    let failure: Attempt | undefined;
    for (;;) {
      while (failure === undefined && !this.closing && inFlight.size < this.settings.concurrency) {
        const run = this.memory.find((r) => !started.has(r));
        if (run === undefined) break;
        started.add(run);
        const sending: Promise<void> = this.attempt(run).then((attempt) => {
          inFlight.delete(sending);
          this.count(attempt);
          const at = this.memory.indexOf(run);
          if (attempt.retry.length === 0) {
            this.memory.splice(at, 1);
            this.releaseWaiters();
          } else {
            this.memory[at] = [...attempt.retry];
            failure ??= attempt;
          }
        });
        inFlight.add(sending);
      }
      if (inFlight.size === 0) break;
      const sealed = new Promise<void>((resolve) => {
        this.sealed = resolve;
      });
      await Promise.race([...inFlight, sealed]);
      this.sealed = undefined;
    }
    if (failure === undefined) {
      this.recovered();
      return true;
    }
    this.spoolMemory();
    this.failed(failure);
    return false;
  }

  private count(attempt: Attempt): void {
    this.counters.sent += attempt.sent;
    this.counters.rejected += attempt.rejected;
    if (attempt.message !== undefined) this.lastError = attempt.message;
  }

  private recovered(): void {
    this.down = false;
    this.failures = 0;
  }

  private failed(attempt: Attempt): void {
    this.down = true;
    this.failures++;
    this.counters.retries++;
    this.lastRetryAfter = attempt.retryAfter;
  }

  private async attempt(lines: readonly string[]): Promise<Attempt> {
    const signal = AbortSignal.any([AbortSignal.timeout(this.settings.requestTimeout), this.stop.signal]);
    try {
      return await this.send(lines, signal);
    } catch (err) {
      return { sent: 0, rejected: 0, retry: lines, message: failureMessage(err) };
    }
  }

  private spoolMemory(): void {
    for (const run of this.memory.splice(0)) this.toSpool(run);
    this.releaseWaiters();
  }

  private toSpool(lines: readonly string[]): void {
    try {
      this.counters.dropped += this.spool.add(lines);
    } catch (err) {
      // A spool that cannot be written (disk full, no permission) loses the run: counted, and said.
      this.counters.dropped += lines.length;
      this.lastError = `spooling to ${this.spool.dir} failed: ${(err as Error).message}`;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private releaseWaiters(): void {
    if (this.memory.length >= this.maxMemoryRuns && !this.closing) return;
    for (const resolve of this.roomWaiters.splice(0)) resolve();
  }
}

/** A network failure in a few words: fetch's "fetch failed" says little without its cause. */
function failureMessage(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause as { code?: string; message?: string } | undefined;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `request gave up: ${err.message}`;
  return cause === undefined ? err.message : `${err.message}: ${cause.code ?? cause.message}`;
}
