import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { threadId } from 'node:worker_threads';
import {
  type CheckpointMessage,
  type CheckpointStoreStatus,
  type EndMessage,
  LEVEL_NAMES,
  type LevelName,
  PROTOCOL_VERSION,
  type SessionInfo,
} from '@pulselog/shared';
import { packTaken } from '../batch/builder.js';
import { CheckpointStore } from '../checkpoints/store.js';
import type { ResolvedConfig } from '../config.js';
import { Dashboard } from '../dashboard.js';
import { Encoder } from '../encode/encoder.js';
import { QueueFullError } from '../errors.js';
import { HealthSampler, healthLine } from '../health/sampler.js';
import { JOIN_PROGRESS_SLOTS } from '../join/sender.js';
import { joinTarget } from '../join/target.js';
import { PipelineClient } from '../pipeline/client.js';
import type { Pipeline } from '../pipeline/pipeline.js';
import type { ResolvedOutput } from '../pipeline/protocol.js';
import { Profiler } from '../profile/profiler.js';
import { compileRedaction, type Redactor } from '../redact/redactor.js';
import { limitsFor } from '../serialize.js';
import { loadActiveSpan } from '../trace-context.js';
import { VERSION } from '../version.js';
import { DropLedger } from './drops.js';
import { type ExitParticipant, listenForSignals, registerExit, signalled, unregisterExit } from './exit-hooks.js';
import { takeMerged } from './merge.js';
import { ContextQueue } from './queue.js';
import { sessionFilePath } from './session-path.js';

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
/**
 * Batches' worth of records (or characters) that may wait for the drain the
 * hot path scheduled before a call drains them itself: a program that never
 * yields to the event loop still moves its records on, eight batches at a time.
 */
const SYNC_DRAIN_BATCHES = 8;
/** Contexts holding records past which the hot path drains at once rather than at the next turn. */
const MAX_MERGED_CONTEXTS = 64;
/** Longest wait for the session file at exit, or for the pipeline to catch up under overflow `block`. */
const SYNC_TIMEOUT_MS = 10_000;
/** Longest wait for the pipeline (its outputs included) on an orderly shutdown. */
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
 * Each level's slot in per-level counters, in `LEVEL_NAMES` order. A level
 * call reads its constant level's slot here, which V8 folds into a constant
 * once the call is optimized: counting by level then costs one increment.
 */
export const LEVEL_SLOTS: Readonly<Record<LevelName, number>> = Object.freeze({
  trace: 0,
  debug: 1,
  info: 2,
  warning: 3,
  error: 4,
  critical: 5,
});

/** The slot of `level` in per-level counters (see `LEVEL_SLOTS`). */
export function levelSlot(level: LevelName): number {
  return LEVEL_SLOTS[level];
}

/** Version of the session file layout, in its header line. */
export const SESSION_FORMAT = 1;

/**
 * State shared by a logger and its children: the session, the encoder, the
 * per-context queues, the pipeline and the flusher. Level calls touch only
 * the encoder, `seq`, a queue and `pending`; everything else runs on the
 * flusher's timer, when a batch fills, or at exit.
 */
export class Core implements ExitParticipant {
  readonly config: ResolvedConfig;
  readonly session: SessionInfo;
  /** What the `redact` settings make of values before they leave a call; `undefined` when none are set. */
  readonly redactor: Redactor | undefined;
  readonly encoder: Encoder;
  /** Where every batch goes. */
  readonly pipeline: Pipeline;
  readonly dashboard: Dashboard | undefined;
  readonly contexts = new AsyncLocalStorage<ContextState>();
  readonly root: ContextState;
  /** Queues that may hold records. */
  active: ContextQueue[] = [];
  seq = 0;
  /** Records the program's own calls numbered (`seq`), by level: slots in `LEVEL_NAMES` order (`levelSlot`). */
  readonly logged = new Float64Array(LEVEL_NAMES.length);
  /** Records made elsewhere and numbered here, by ingest label (`otlp`, `pino`), then by level likewise; see `ingest.ts`. */
  readonly ingested = new Map<string, Float64Array>();
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
  /** The Prometheus metrics server of `metricsPort`, when the logger started one: stopped at shutdown. */
  metricsServer: { readonly ready: Promise<string | undefined>; close(): Promise<void> } | undefined;
  /** Called with errors nobody caught; set by the root logger. */
  onUncaught: ((err: unknown, origin: string) => void) | undefined;
  private checkpointStore: CheckpointStore | undefined;
  /** Health samples once a second, as session-file lines (see `health/`). */
  private readonly health: HealthSampler | undefined;
  /** The continuous profiler, with `profile` on (see `profile/`). */
  private readonly profiler: Profiler | undefined;
  private shutdownPromise: Promise<void> | undefined;
  private finished = false;
  private saidLateCheckpoint = false;
  /** The checkpoint store's failures as the dashboard was last told of them. */
  private storeTold: { errors: number; failure: string | undefined } = { errors: 0, failure: undefined };
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  /** The drain the hot path scheduled for the next turn of the event loop, if any. */
  private soon: NodeJS.Immediate | undefined;
  private readonly drainSoon = () => {
    this.soon = undefined;
    if (!this.closed) this.drain(false);
  };

  /** `pipeline`: for tests of the core's own logic, one in memory instead of the pipeline thread. */
  constructor(name: string, config: ResolvedConfig, outputs: readonly ResolvedOutput[], pipeline?: Pipeline) {
    this.config = config;
    this.redactor = compileRedaction({ paths: config.redact, values: config.redactValues });
    this.encoder = new Encoder(
      this.redactor,
      limitsFor(config.maxStringLength),
      config.traceContext ? loadActiveSpan() : undefined,
    );
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
    if (pipeline) {
      this.pipeline = pipeline;
    } else {
      // A worker, a child or a script of a project with `pulselog serve` sends its records to that
      // dashboard (its session file is the dashboard's) rather than open its own.
      const join = joinTarget(config);
      if (config.dashboard && join === undefined) this.dashboard = new Dashboard(config, this.session);
      const file =
        config.sessionDir === false || join !== undefined
          ? undefined
          : sessionFilePath(config.sessionDir, this.session);
      const session = this.session;
      this.pipeline = new PipelineClient({
        data: {
          file,
          header: `${JSON.stringify({ type: 'session', format: SESSION_FORMAT, session })}\n`,
          name,
          keepSessions: config.keepSessions,
          flushIntervalMs: config.flushInterval,
          cwd: process.cwd(),
          outputs: [...outputs],
        },
        ...(this.dashboard ? { hub: this.dashboard.link } : {}),
        onSignal: signalled,
        onSignalsUnwatched: listenForSignals,
        ...(join === undefined
          ? {}
          : {
              join: {
                address: join,
                hello: {
                  type: 'join' as const,
                  name: name.slice(0, 200) || 'logger',
                  pid: process.pid,
                  thread: threadId,
                },
                progress: new SharedArrayBuffer(4 * JOIN_PROGRESS_SLOTS),
              },
            }),
      });
      // Health and profile lines take the road of checkpoints: the session file, then the hub.
      const line = (text: string) => this.pipeline.line(text);
      if (config.health) {
        this.health = new HealthSampler((sample) => line(healthLine(sample)));
        this.health.start();
      }
      if (config.profile) this.profiler = new Profiler(file?.replace(/\.ndjson$/, '.cpuprofile'), line);
    }
    this.schedule(config.flushInterval);
    registerExit(this);
  }

  /** Opens the checkpoint store on first use. */
  get checkpoints(): CheckpointStore {
    this.checkpointStore ??= new CheckpointStore(this.config.checkpointPath);
    return this.checkpointStore;
  }

  /** The checkpoint store if something opened it (a save, a read, checkpoints of an earlier run), else `undefined`. */
  get openedCheckpoints(): CheckpointStore | undefined {
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
      this.pipeline.beat();
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
    if (!queue.listed) this.list(queue);
    this.pendingChars += size;
    if (++this.pending >= this.drainAt || this.pendingChars >= this.drainAtChars) this.drainFromHotPath();
  }

  /** Puts `queue` on the list of queues holding records: apart from `queued`, which V8 then inlines into level calls. */
  private list(queue: ContextQueue): void {
    queue.listed = true;
    this.active.push(queue);
  }

  /**
   * The hot path reached `drainAt`. Merging, packing and posting a batch
   * costs tens of microseconds, which the call that filled it would pay in a
   * lump: so the drain runs right after the current turn of the event loop,
   * between calls rather than in one. Only once `SYNC_DRAIN_BATCHES` batches
   * wait (a loop that never yields) does the call drain them itself.
   */
  private drainFromHotPath(): void {
    // Many contexts holding records make merging cost more per record: those drain at once, as do eight batches' worth.
    if (
      this.pending >= SYNC_DRAIN_BATCHES * BATCH_SIZE ||
      this.pendingChars >= SYNC_DRAIN_BATCHES * BATCH_CHARS ||
      this.active.length > MAX_MERGED_CONTEXTS
    ) {
      this.drain(false);
    } else if (this.soon === undefined) {
      this.soon = setImmediate(this.drainSoon);
      // Logging must never keep a finished program alive.
      this.soon.unref();
    }
    this.drainAt = this.pending + BATCH_SIZE;
    this.drainAtChars = this.pendingChars + BATCH_CHARS;
  }

  /**
   * Hands queued records to the pipeline in batches, merged by `seq`. Stops
   * while it is busy unless `force`, leaving the rest in the queues.
   * Returns the number of records moved.
   */
  drain(force: boolean): number {
    if (this.draining) return 0;
    this.draining = true;
    let moved = 0;
    const pipeline = this.pipeline;
    try {
      // Drops are announced when records move again, one notice for the whole run of them.
      if (force || !pipeline.busy()) this.announceDrops();
      while (this.pending > 0 && (force || !pipeline.busy())) {
        const taken = takeMerged(this.active, BATCH_SIZE, BATCH_CHARS);
        if (taken === undefined) break;
        this.pendingChars -= taken.chars;
        const count = taken.count;
        this.pending -= count;
        moved += count;
        pipeline.records(packTaken(taken), taken.firstSeq, taken.lastSeq, count);
      }
      if (this.pending === 0 || this.active.length > MAX_MERGED_CONTEXTS) this.pruneActive();
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
        // The caller pays: wait for the pipeline to catch up, then hand everything over.
        if (this.pipeline.busy()) this.pipeline.flushSync(SYNC_TIMEOUT_MS);
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
    if (notice === undefined) return;
    const { from, to, count } = notice;
    this.pipeline.line(`${JSON.stringify({ type: 'gap', reason: 'dropped', from, to, count })}\n`);
  }

  /**
   * Streams a checkpoint change to the session file and the dashboard, after
   * the records logged before it. Once the session has ended the change is
   * in the store only: counted as dropped, and said once.
   */
  checkpoint(message: CheckpointMessage): void {
    if (this.closed) {
      this.drops.refused();
      if (!this.saidLateCheckpoint) {
        this.saidLateCheckpoint = true;
        process.stderr.write(
          'pulselog: a checkpoint saved or removed after shutdown() is in the checkpoint store only, not in the session file or the dashboard (counted in stats().dropped)\n',
        );
      }
      return;
    }
    this.drain(true);
    this.pipeline.line(`${JSON.stringify(message)}\n`);
    this.tellCheckpointStore();
  }

  /** Tells the dashboard of the checkpoint store's failures, when they changed since it was last told. */
  private tellCheckpointStore(): void {
    const store = this.checkpointStore;
    if (store === undefined || this.dashboard === undefined) return;
    if (store.errors === this.storeTold.errors && store.failure === this.storeTold.failure) return;
    this.storeTold = { errors: store.errors, failure: store.failure };
    const status: CheckpointStoreStatus = { path: store.file, errors: store.errors };
    if (store.failure !== undefined) status.failing = store.failure;
    this.dashboard.checkpointStore(status);
  }

  /** Drains everything and waits until the pipeline has written it and every output taken it; false on timeout. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0) {
      this.drain(false);
      if (this.pending === 0) break;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return this.pipeline.flush(Math.max(0, deadline - Date.now()));
  }

  flushSync(): void {
    this.drain(true);
    this.pipeline.flushSync(SYNC_TIMEOUT_MS);
  }

  signalsHandled(mask: number): void {
    this.pipeline.signalsHandled(mask);
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
    clearImmediate(this.soon);
    this.health?.stop();
    this.profiler?.stopSync(SYNC_TIMEOUT_MS);
    this.drain(true);
    const end = this.endMessage(reason, code, signal);
    this.pipeline.closeSync(`${JSON.stringify(end)}\n`, SYNC_TIMEOUT_MS);
    this.dashboard?.closeSync(end, SYNC_TIMEOUT_MS);
    this.checkpointStore?.close();
    unregisterExit(this);
  }

  /** Ends the session: drains, then closes the pipeline and the dashboard and waits for them. Idempotent. */
  shutdown(reason: EndMessage['reason']): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.closed = true;
      clearTimeout(this.timer);
      clearImmediate(this.soon);
      this.health?.stop();
      await this.profiler?.stop(CLOSE_TIMEOUT_MS);
      this.drain(true);
      const end = this.endMessage(reason);
      await Promise.all([
        this.pipeline.close(`${JSON.stringify(end)}\n`, CLOSE_TIMEOUT_MS),
        // The dashboard lingers for a browser tab to catch up before it lets go.
        this.dashboard?.close(end, this.config.linger + 5000),
        this.metricsServer?.close(),
      ]);
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
}
