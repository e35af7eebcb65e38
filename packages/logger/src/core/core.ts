import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { type CheckpointMessage, type EndMessage, PROTOCOL_VERSION, type SessionInfo } from '@pulselog/shared';
import { CheckpointStore } from '../checkpoints/store.js';
import type { ResolvedConfig } from '../config.js';
import { QueueFullError } from '../errors.js';
import { DashboardSink } from '../sinks/dashboard.js';
import { SessionSink } from '../sinks/session.js';
import type { Sink } from '../sinks/sink.js';
import { VERSION } from '../version.js';
import { DropLedger } from './drops.js';
import { type ExitParticipant, registerExit, unregisterExit } from './exit-hooks.js';
import { packTaken, takeMerged } from './merge.js';
import { RecordBatch } from './packed.js';
import { ContextQueue } from './queue.js';

/** Records per batch; a full batch leaves from the hot path without waiting for the timer. */
export const BATCH_SIZE = 1024;
/**
 * Characters of tails per batch as sent (see `ContextQueue.measure`). Big records (stacks,
 * nested objects) fill a batch sooner: its joined tails stay small enough for V8's young
 * generation, where they cost little to collect, instead of landing in large-object space.
 * A tail the same as the one before is sent once, so a failure logged over and over does
 * not cut batches short.
 */
export const BATCH_CHARS = 48 * 1024;
/** Longest wait for the session file at exit, or for a sink to catch up under overflow `block`. */
const SYNC_TIMEOUT_MS = 10_000;
/** Longest wait for the session recorder on an orderly shutdown. */
const CLOSE_TIMEOUT_MS = 10_000;

/** An async context: its tag, its fields as JSON text, and its own queue. */
export interface ContextState {
  tag: string | undefined;
  /** Fields added to every record of the context, as JSON object text; `undefined` for none. */
  fieldsJson: string | undefined;
  queue: ContextQueue;
}

/** Size and fill of one context's queue, as shown by `stats()`. */
export interface QueueStats {
  /** The context's tag, or `root`. */
  context: string;
  /** Records waiting. */
  size: number;
  /** Records the queue holds before overflow applies. */
  capacity: number;
  /** `size / capacity`. */
  fill: number;
}

/**
 * State shared by a logger and its children: the session, the per-context
 * queues, the sinks and the flusher. Level calls touch only `seq`, a queue
 * and `pending`; everything else runs on the flusher's timer, when a batch
 * fills, or at exit.
 */
export class Core implements ExitParticipant {
  readonly config: ResolvedConfig;
  readonly session: SessionInfo;
  readonly sinks: Sink[] = [];
  readonly dashboard: DashboardSink | undefined;
  readonly recorder: SessionSink | undefined;
  readonly contexts = new AsyncLocalStorage<ContextState>();
  readonly root: ContextState;
  readonly sinkErrors: Record<string, number> = {};
  /** Queues that may hold records. */
  active: ContextQueue[] = [];
  seq = 0;
  /** Records waiting across all queues. */
  pending = 0;
  /** Characters waiting across all queues, counted as `Taken.chars` (approximately: evictions do not subtract). */
  pendingChars = 0;
  /** `pending` at which the hot path drains next. */
  drainAt = BATCH_SIZE;
  /** `pendingChars` at which the hot path drains next. */
  drainAtChars = BATCH_CHARS;
  readonly drops = new DropLedger();
  /** Set once the session is ending: later calls are counted as dropped. */
  closed = false;
  /** Set by the first `context()`: until then every record belongs to the root, and the lookup is skipped. */
  contextsUsed = false;
  /** Called with errors nobody caught; set by the root logger. */
  onUncaught: ((err: unknown, origin: string) => void) | undefined;
  private checkpointStore: CheckpointStore | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private finished = false;
  private draining = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(name: string, config: ResolvedConfig, extraSinks: readonly Sink[]) {
    this.config = config;
    const startedAt = Date.now();
    this.session = {
      id: `${name}-${startedAt}-${process.pid}`,
      name,
      pid: process.pid,
      host: hostname(),
      startedAt,
      versions: { pulselog: VERSION, node: process.version, protocol: PROTOCOL_VERSION },
    };
    this.root = { tag: undefined, fieldsJson: undefined, queue: new ContextQueue(config.queueSize, 'root') };
    // The dashboard first: with a session file, its hub is fed by the recorder (see `DashboardSink`).
    if (config.dashboard) this.dashboard = new DashboardSink(config, this.session);
    if (config.sessionDir !== false) {
      this.recorder = new SessionSink(config, this.session, this.dashboard?.recorderFeed());
      const dashboard = this.dashboard;
      if (dashboard) this.recorder.whenDied(() => dashboard.feedLost());
      this.sinks.push(this.recorder);
    }
    // After the recorder: at exit it has written (and passed on) everything before the dashboard ends.
    if (this.dashboard) this.sinks.push(this.dashboard);
    this.sinks.push(...extraSinks);
    this.schedule(config.flushInterval);
    registerExit(this);
  }

  /** Opens the checkpoint store on first use. */
  get checkpoints(): CheckpointStore {
    this.checkpointStore ??= new CheckpointStore(this.config.checkpointPath);
    return this.checkpointStore;
  }

  /** Checkpoints saved by this process, without opening the store for it. */
  get checkpointsSaved(): number {
    return this.checkpointStore?.saved ?? 0;
  }

  /** A new context's state, inheriting nothing but what the caller passes. */
  newContext(tag: string | undefined, fieldsJson: string | undefined): ContextState {
    return { tag, fieldsJson, queue: new ContextQueue(this.config.queueSize, tag ?? 'context') };
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      const moved = this.drain(false);
      // Under load the next drain comes sooner, so queues stay short between full batches.
      if (!this.closed)
        this.schedule(
          moved >= BATCH_SIZE / 4 ? Math.max(1, this.config.flushInterval >> 2) : this.config.flushInterval,
        );
    }, delay);
    // Logging must never keep a finished program alive.
    this.timer.unref();
  }

  /**
   * Counts a record of `size` just queued in `queue`, and moves full batches
   * on from the hot path once `drainAt` records or `drainAtChars` are waiting.
   */
  queued(queue: ContextQueue, size: number): void {
    if (!queue.listed) {
      queue.listed = true;
      this.active.push(queue);
    }
    this.pendingChars += size;
    if (++this.pending >= this.drainAt || this.pendingChars >= this.drainAtChars) this.drainFromHotPath();
  }

  /** The hot path reached `drainAt`: move full batches on, or wait for the next batch's worth if sinks are busy. */
  private drainFromHotPath(): void {
    this.drain(false);
    this.drainAt = this.pending + BATCH_SIZE;
    this.drainAtChars = this.pendingChars + BATCH_CHARS;
  }

  private sinksBusy(): boolean {
    let busy = false;
    this.eachSink((sink) => {
      busy ||= sink.busy?.() === true;
    });
    return busy;
  }

  /** Calls `fn` for every sink; what it throws is counted against that sink, and the others still get their call. */
  private eachSink(fn: (sink: Sink) => void): void {
    for (const sink of this.sinks) {
      try {
        fn(sink);
      } catch {
        this.countSinkError(sink);
      }
    }
  }

  private countSinkError(sink: Sink): void {
    this.sinkErrors[sink.name] = (this.sinkErrors[sink.name] ?? 0) + 1;
  }

  /**
   * Hands queued records to every sink in batches, merged by `seq`. Stops
   * while a sink is busy unless `force`, leaving the rest in the queues.
   * Returns the number of records moved.
   */
  drain(force: boolean): number {
    if (this.draining) return 0;
    this.draining = true;
    let moved = 0;
    try {
      // Drops are announced when records move again, one notice for the whole run of them.
      if (force || !this.sinksBusy()) this.announceDrops();
      while (this.pending > 0 && (force || !this.sinksBusy())) {
        const taken = takeMerged(this.active, BATCH_SIZE, BATCH_CHARS);
        if (taken === undefined) break;
        this.pendingChars -= taken.chars;
        const count = taken.count;
        const batch = new RecordBatch(packTaken(taken), taken.firstSeq, taken.lastSeq, count);
        this.pending -= count;
        moved += count;
        this.eachSink((sink) => sink.write(batch));
      }
      if (this.pending === 0 || this.active.length > 64) this.pruneActive();
    } finally {
      this.draining = false;
    }
    if (this.pending === 0) this.pendingChars = 0;
    if (this.pending < BATCH_SIZE) this.drainAt = BATCH_SIZE;
    if (this.pendingChars < BATCH_CHARS) this.drainAtChars = BATCH_CHARS;
    return moved;
  }

  private pruneActive(): void {
    const kept: ContextQueue[] = [];
    for (const q of this.active) {
      if (q.size > 0) kept.push(q);
      else q.listed = false;
    }
    this.active = kept;
  }

  /**
   * Called by a level call whose queue is full. Returns true when the record
   * may be queued, false when it is to be given up; throws `QueueFullError`
   * under overflow `raise`.
   */
  makeRoom(queue: ContextQueue): boolean {
    this.drain(false);
    if (queue.size < queue.capacity) return true;
    switch (this.config.overflow) {
      case 'raise':
        throw new QueueFullError(queue.capacity);
      case 'block':
        // The caller pays: wait for the sinks to catch up, then hand everything over.
        for (const sink of this.sinks) if (sink.busy?.()) sink.flushSync?.(SYNC_TIMEOUT_MS);
        this.drain(true);
        return true;
      default:
        this.evict(queue);
        return true;
    }
  }

  private evict(queue: ContextQueue): void {
    this.pending--;
    const warning = this.drops.evicted(queue.evictOldest(), queue.label, queue.capacity, Date.now());
    if (warning !== undefined) process.stderr.write(warning);
  }

  private announceDrops(): void {
    const notice = this.drops.takeNotice();
    if (notice !== undefined) this.eachSink((sink) => sink.dropped?.(notice.from, notice.to, notice.count));
  }

  /** Streams a checkpoint change to every sink, after the records logged before it. */
  checkpoint(message: CheckpointMessage): void {
    this.drain(true);
    this.eachSink((sink) => sink.checkpoint?.(message));
  }

  /** Drains everything and waits until every sink has delivered it; false on timeout. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0) {
      this.drain(false);
      if (this.pending === 0) break;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const results = await Promise.all(
      this.sinks.map((sink) =>
        sink.flush ? sink.flush(Math.max(0, deadline - Date.now())).catch(() => false) : Promise.resolve(true),
      ),
    );
    return results.every(Boolean);
  }

  flushSync(): void {
    this.drain(true);
    this.eachSink((sink) => sink.flushSync?.(SYNC_TIMEOUT_MS));
  }

  logUncaught(err: unknown, origin: string): void {
    this.onUncaught?.(err, origin);
  }

  private endMessage(reason: EndMessage['reason'], code?: number, signal?: string): EndMessage {
    const end: EndMessage = { type: 'end', reason, at: Date.now(), lastSeq: this.seq };
    if (code !== undefined) end.code = code;
    if (signal !== undefined) end.signal = signal;
    return end;
  }

  finalizeSync(reason: 'exit' | 'uncaught' | 'signal', code?: number, signal?: string): void {
    if (this.finished) return;
    this.finished = true;
    this.closed = true;
    clearTimeout(this.timer);
    this.drain(true);
    const end = this.endMessage(reason, code, signal);
    this.eachSink((sink) => sink.closeSync?.(end, SYNC_TIMEOUT_MS));
    this.checkpointStore?.close();
    unregisterExit(this);
  }

  /** Ends the session: drains, then closes every sink and waits for it. Idempotent. */
  shutdown(reason: EndMessage['reason']): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.closed = true;
      clearTimeout(this.timer);
      this.drain(true);
      const end = this.endMessage(reason);
      await Promise.all(
        this.sinks.map((sink) => {
          // The dashboard lingers for a browser tab to catch up before it lets go.
          const timeout = sink === this.dashboard ? this.config.linger + 5000 : CLOSE_TIMEOUT_MS;
          return sink.close(end, timeout).catch(() => this.countSinkError(sink));
        }),
      );
      this.finished = true;
      this.checkpointStore?.close();
      unregisterExit(this);
    })();
    return this.shutdownPromise;
  }

  /** Sizes and fill of the root queue and of every context queue holding records. */
  queueStats(): QueueStats[] {
    const queues = [this.root.queue, ...this.active.filter((q) => q !== this.root.queue && q.size > 0)];
    return queues.map((q) => ({ context: q.label, size: q.size, capacity: q.capacity, fill: q.size / q.capacity }));
  }

  /** Sink failures: what their methods threw plus what they counted themselves. */
  sinkErrorCounts(): Record<string, number> {
    const out: Record<string, number> = { ...this.sinkErrors };
    for (const sink of this.sinks) {
      const own = sink.errors?.() ?? 0;
      if (own > 0) out[sink.name] = (out[sink.name] ?? 0) + own;
    }
    return out;
  }
}
