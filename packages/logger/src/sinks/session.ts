import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CheckpointMessage, EndMessage, SessionInfo } from '@pulselog/shared';
import type { ResolvedConfig } from '../config.js';
import { formatPacked, type PackedRecords } from '../core/packed.js';
import { type RecorderFeed, type SessionWorkerData, SLOT, STATE, sessionWorkerMain } from './session-worker.js';
import { type Batch, MAX_IN_FLIGHT_CHARS, MAX_IN_FLIGHT_WORK, type Sink } from './sink.js';

/** Version of the session file layout, in its header line. */
export const SESSION_FORMAT = 1;

/**
 * Source of the recorder thread, with the line formatter it uses; `__name`
 * covers helpers a test transpiler may add.
 */
const WORKER_SOURCE = [
  'var __name = (f) => f;',
  `var formatPacked = ${formatPacked.toString()};`,
  `(${sessionWorkerMain.toString()})();`,
].join('\n');

/** `2026-11-22T02-11-57-123Z`: an ISO time that is also a portable file name. */
function fileTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/** Path of a new session file in `dir`, never one that exists already. */
export function sessionFilePath(dir: string, session: SessionInfo): string {
  const base = `${session.name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80) || 'session'}-${fileTime(session.startedAt)}`;
  let file = join(dir, `${base}.ndjson`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `${base}-${n}.ndjson`);
  return file;
}

/**
 * The session recorder: appends every batch, checkpoint change and drop
 * notice to `<sessionDir>/<name>-<start time>.ndjson` from its own thread, so
 * the logging thread never waits for the disk. The first line is a header
 * (`{"type":"session",...}`), then record lines (`{"seq":...}`), checkpoint
 * lines (`{"type":"checkpoint",...}`), gaps and a final `{"type":"end",...}`.
 * With a feed, its thread passes all of it on to the dashboard's, in that order.
 */
export class SessionSink implements Sink {
  readonly name = 'session';
  /** The file being written. */
  readonly file: string;
  private readonly worker: Worker;
  private readonly slots: Int32Array;
  private postedBatches = 0;
  private postedChars = 0;
  /** The same, counted as sent (`PackedRecords.sent`). */
  private postedSent = 0;
  private ended = false;
  private terminated = false;
  private died: (() => void) | undefined;
  private failedThread = false;

  /** `feed`: where the recorder passes on what it writes (the dashboard's `recorderFeed`), if anywhere. */
  constructor(config: ResolvedConfig, session: SessionInfo, feed?: RecorderFeed) {
    this.file = sessionFilePath(config.sessionDir as string, session);
    const sab = new SharedArrayBuffer(4 * (SLOT.sent + 1));
    this.slots = new Int32Array(sab);
    const header = `${JSON.stringify({ type: 'session', format: SESSION_FORMAT, session })}\n`;
    const workerData: SessionWorkerData = {
      sab,
      file: this.file,
      header,
      keepSessions: config.keepSessions,
      fileBounds: { chars: MAX_IN_FLIGHT_WORK, sent: MAX_IN_FLIGHT_CHARS },
    };
    if (feed) workerData.feed = feed;
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData,
      transferList: feed ? [feed.port] : [],
      name: 'pulselog-session',
    });
    this.worker.on('message', (message: { t: string; message?: string }) => {
      if (message.t === 'error') process.stderr.write(`pulselog: session recording is off: ${message.message}\n`);
    });
    // A thread that is gone writes nothing more: waits for it end at once.
    const gone = () => {
      if (this.terminated || this.failedThread) return;
      this.failedThread = true;
      Atomics.store(this.slots, SLOT.state, STATE.failed);
      this.died?.();
    };
    this.worker.on('error', gone);
    this.worker.on('exit', gone);
    // Recording must never keep a finished program alive; the exit hook waits for it instead.
    // After the listeners: adding a 'message' listener refs the worker's port again.
    this.worker.unref();
  }

  /**
   * Calls `listener` if the recorder's thread dies (not when the file merely
   * cannot be opened: the thread then still feeds the hub). The dashboard it
   * fed then takes records from the logger instead (`DashboardSink.feedLost`).
   */
  whenDied(listener: () => void): void {
    this.died = listener;
  }

  /** Hands the recorder lines to append, or packed records (`chars` is their size). */
  private post(message: string | PackedRecords): void {
    if (this.terminated) return;
    this.postedBatches++;
    const size = typeof message === 'string' ? message.length : message.chars;
    const sent = typeof message === 'string' ? size : message.sent;
    this.postedChars = (this.postedChars + size) | 0;
    this.postedSent = (this.postedSent + sent) | 0;
    Atomics.store(this.slots, SLOT.posted, this.postedChars);
    Atomics.store(this.slots, SLOT.sent, this.postedSent);
    this.worker.postMessage(message);
  }

  write(batch: Batch): void {
    this.post(batch.packed);
  }

  checkpoint(message: CheckpointMessage): void {
    this.post(`${JSON.stringify(message)}\n`);
  }

  dropped(from: number, to: number, count: number): void {
    this.post(`${JSON.stringify({ type: 'gap', reason: 'dropped', from, to, count })}\n`);
  }

  /**
   * True while more than its bounds wait to be written, as held in memory or
   * as lines to write (see `MAX_IN_FLIGHT_WORK`): the logger then keeps
   * records in its queues.
   */
  busy(): boolean {
    if (this.failed()) return false;
    return (
      ((this.postedSent - Atomics.load(this.slots, SLOT.sentWritten)) | 0) > MAX_IN_FLIGHT_CHARS ||
      ((this.postedChars - Atomics.load(this.slots, SLOT.chars)) | 0) > MAX_IN_FLIGHT_WORK
    );
  }

  /** Write errors so far (a full disk, say); the file cannot be opened counts as one. */
  errors(): number {
    return Atomics.load(this.slots, SLOT.errors) + (this.failed() ? 1 : 0);
  }

  private failed(): boolean {
    return Atomics.load(this.slots, SLOT.state) === STATE.failed;
  }

  private behind(): number {
    return (this.postedBatches - Atomics.load(this.slots, SLOT.batches)) | 0;
  }

  /** Blocks the calling thread until everything handed over is in the file; false on timeout. */
  flushSync(timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const written = Atomics.load(this.slots, SLOT.batches);
      if (((this.postedBatches - written) | 0) <= 0) return true;
      const left = deadline - Date.now();
      if (left <= 0 || this.failed()) return false;
      Atomics.wait(this.slots, SLOT.batches, written, Math.min(left, 50));
    }
  }

  /** Resolves true once everything handed over is in the file, false on timeout. */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.behind() > 0) {
      if (Date.now() > deadline || this.failed()) return false;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    return true;
  }

  /** Appends the end line and waits for the file to hold everything: the exit path, where nothing async runs. */
  closeSync(end: EndMessage, timeoutMs: number): void {
    if (!this.ended) {
      this.ended = true;
      this.post(`${JSON.stringify(end)}\n`);
    }
    this.flushSync(timeoutMs);
  }

  async close(end: EndMessage, timeoutMs: number): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.post(`${JSON.stringify(end)}\n`);
    }
    await this.flush(timeoutMs);
    this.terminated = true;
    await this.worker.terminate();
  }
}
