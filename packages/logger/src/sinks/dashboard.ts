import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { type CheckpointMessage, type EndMessage, type HubStats, LINES_HEAD, type SessionInfo } from '@pulselog/shared';
import type { ResolvedConfig } from '../config.js';
import { openBrowser, reasonNotToOpen } from '../open-browser.js';
import { type FromHub, type HubOptions, PROGRESS, type ToHub } from '../server/messages.js';
import { isLoopbackHost } from '../server/security.js';
import { projectToken } from '../token.js';
import type { RecorderFeed } from './session-worker.js';
import { type Batch, MAX_IN_FLIGHT_CHARS, type Sink } from './sink.js';

/** Built dashboard files, shipped inside this package's `dist/dashboard`. */
const STATIC_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));
const WORKER_URL = new URL('../server/worker.js', import.meta.url);
/**
 * How long a new run waits for a dashboard tab left open by an earlier run to
 * reconnect by itself before it opens the browser: one tab, not a tab per run.
 */
export const TAB_REUSE_WAIT_MS = 1500;
/** Longest the logging thread waits, once, for the hub to take in what a recorder that died had passed on. */
const FEED_CLOSE_WAIT_MS = 200;

/**
 * Characters of records the hub may be behind before the session recorder
 * passes the dashboard over (see `RecorderFeed.maxBehind`); the batches wait
 * outside the JavaScript heap.
 */
export const MAX_HUB_BACKLOG_CHARS = MAX_IN_FLIGHT_CHARS;

/**
 * The dashboard as a sink: starts the hub worker, prints the URL and opens
 * the browser once. When a session file is written, the hub takes records,
 * checkpoints and drop notes from the session recorder's thread, as the text
 * it wrote (`recorderFeed`): made once for the file and the tabs, and in the
 * file's order. Without one, this sink hands the hub each batch itself.
 */
export class DashboardSink implements Sink {
  readonly name = 'dashboard';
  /** Resolves with the dashboard URL once the server listens, or `undefined` if it could not start. */
  readonly ready: Promise<string | undefined>;
  private readonly worker: Worker;
  private lastStats: HubStats | undefined;
  private ended: (() => void) | undefined;
  private failed = false;
  private tabConnected = false;
  private readonly linger: number;
  private readonly progress = new Int32Array(new SharedArrayBuffer(16));
  /** Records posted to the hub, wrapping like its counter. */
  private posted = 0;
  /** Characters of records posted to the hub (`PackedRecords.chars`), likewise. */
  private postedChars = 0;
  /** The recorder's end of the channel the hub is fed by; undefined when this sink feeds the hub itself. */
  private readonly feed: RecorderFeed | undefined;
  /** True while the recorder feeds the hub; false without a session file, or once the recorder is gone. */
  private fed: boolean;
  /**
   * While fed: the batches written that the hub may not have taken in yet,
   * each with `posted` after it. Should the recorder die, those it never
   * passed on are the ones tabs must hear are missing.
   */
  private unfed: { firstSeq: number; lastSeq: number; count: number; end: number }[] = [];

  constructor(config: ResolvedConfig, session: SessionInfo) {
    this.linger = config.linger;
    let hubFeed: MessageChannel['port2'] | undefined;
    if (config.sessionDir !== false) {
      const channel = new MessageChannel();
      hubFeed = channel.port2;
      this.feed = {
        port: channel.port1,
        head: LINES_HEAD,
        progress: this.progress.buffer as SharedArrayBuffer,
        takenSlot: PROGRESS.chars,
        maxBehind: MAX_HUB_BACKLOG_CHARS,
      };
    }
    const options: HubOptions = {
      host: config.host,
      port: config.port,
      portRange: 20,
      token: config.token ?? projectToken(config.projectDir),
      staticDir: STATIC_DIR,
      session,
      maxRecords: config.replayRecords,
      maxBytes: config.replayBytes,
      progress: this.progress.buffer as SharedArrayBuffer,
    };
    if (hubFeed) options.feed = hubFeed;
    this.fed = hubFeed !== undefined;
    this.worker = new Worker(WORKER_URL, {
      workerData: options,
      transferList: hubFeed ? [hubFeed] : [],
      name: 'pulselog-dashboard',
      resourceLimits: { maxOldGenerationSizeMb: hubHeapLimitMb(config.replayBytes) },
    });
    this.ready = new Promise((resolve) => {
      this.worker.on('message', (message: FromHub) => this.onHubMessage(message, config, resolve));
      this.worker.on('error', (err) => {
        this.failed = true;
        process.stderr.write(`pulselog: dashboard stopped: ${err.message}\n`);
        resolve(undefined);
        this.ended?.();
      });
      this.worker.on('exit', () => this.ended?.());
    });
    // The dashboard must never keep a finished program alive on its own, but
    // it does until it listens: a program awaiting `ready` waits on it, and
    // must not see its logger shut down first for want of anything to do.
    // (Unref'ing must also come after the listeners: adding one refs the port again.)
    void this.ready.then(() => this.worker.unref());
  }

  private onHubMessage(message: FromHub, config: ResolvedConfig, ready: (url: string | undefined) => void): void {
    switch (message.t) {
      case 'listening':
        process.stderr.write(`pulselog: dashboard at ${message.url}\n`);
        if (!isLoopbackHost(config.host)) {
          process.stderr.write(
            `pulselog: warning: the dashboard listens on ${config.host}, reachable from other machines\n`,
          );
        }
        if (config.open && reasonNotToOpen() === undefined) this.openUnlessTabReturns(message.url);
        ready(message.url);
        break;
      case 'client':
        this.tabConnected = true;
        break;
      case 'lingering':
        process.stderr.write(
          `pulselog: waiting up to ${formatSeconds(message.lingerMs)} for a dashboard tab to receive the last records (Ctrl-C to skip)\n`,
        );
        process.once('SIGINT', this.skipLinger);
        break;
      case 'error':
        this.failed = true;
        process.stderr.write(`pulselog: dashboard could not start: ${message.message}\n`);
        ready(undefined);
        break;
      case 'stats':
        this.lastStats = message.stats;
        break;
      case 'ended':
        this.ended?.();
        break;
    }
  }

  private readonly skipLinger = () => this.post({ t: 'skip-linger' });

  /** Opens the browser unless a tab from an earlier run reconnects first. */
  private openUnlessTabReturns(url: string): void {
    const timer = setTimeout(() => {
      if (this.tabConnected) process.stderr.write('pulselog: an open dashboard tab reconnected; no new tab opened\n');
      else void openBrowser(url);
    }, TAB_REUSE_WAIT_MS);
    // A script that ends sooner still gets its tab: the linger wait in `close` keeps the process up.
    timer.unref();
  }

  private post(message: ToHub): void {
    if (!this.failed) this.worker.postMessage(message);
  }

  /**
   * The session recorder's end of the channel that feeds the hub, for
   * `SessionSink`; undefined without a session file. It is to be handed on
   * once: the port moves to the recorder's thread.
   */
  recorderFeed(): RecorderFeed | undefined {
    return this.feed;
  }

  /**
   * Hands a batch to the hub; with a feed, only counts it, as the recorder
   * passes it on (or passes the hub over while it is too far behind, so that
   * a dashboard that cannot keep up never holds up the program or the file).
   * Without a session file the dashboard is the only record, and it holds the
   * logger back instead (see `busy`).
   */
  write(batch: Batch): void {
    if (this.failed) return;
    this.posted = (this.posted + batch.count) | 0;
    if (this.fed) {
      this.unfed.push({ firstSeq: batch.firstSeq, lastSeq: batch.lastSeq, count: batch.count, end: this.posted });
      this.forgetTaken();
      return;
    }
    this.postedChars = (this.postedChars + batch.packed.chars) | 0;
    this.post({
      t: 'records',
      packed: batch.packed,
      firstSeq: batch.firstSeq,
      lastSeq: batch.lastSeq,
      count: batch.count,
    });
  }

  /** Drops from `unfed` the batches the hub has taken in (or been passed over for). */
  private forgetTaken(): void {
    const taken = Atomics.load(this.progress, PROGRESS.taken);
    let n = 0;
    while (n < this.unfed.length && (((this.unfed[n] as { end: number }).end - taken) | 0) <= 0) n++;
    if (n > 0) this.unfed.splice(0, n);
  }

  /**
   * The recorder's thread is gone (see `SessionSink.whenDied`): from now on
   * this sink hands the hub each batch itself, and the dashboard is the only
   * record, so it holds the logger back when behind (see `busy`). Records the
   * recorder had not passed on are gone: once the hub has taken in everything
   * the recorder did pass on (it says so when the feed closes, at once in
   * practice), tabs get a `dropped` gap for the rest, and nothing waits for them.
   */
  feedLost(): void {
    if (!this.fed || this.failed) return;
    this.fed = false;
    Atomics.wait(this.progress, PROGRESS.feedClosed, 0, FEED_CLOSE_WAIT_MS);
    this.forgetTaken();
    if (this.unfed.length > 0) {
      const first = this.unfed[0] as { firstSeq: number };
      const last = this.unfed[this.unfed.length - 1] as { lastSeq: number };
      const count = this.unfed.reduce((sum, batch) => sum + batch.count, 0);
      this.post({ t: 'dropped', from: first.firstSeq, to: last.lastSeq, count });
      this.posted = (this.posted - count) | 0;
      this.unfed = [];
    }
    // Characters are counted from here on: the hub's count so far is of the recorder's lines.
    this.postedChars = Atomics.load(this.progress, PROGRESS.chars);
    process.stderr.write('pulselog: the session recorder stopped; the dashboard now takes records from the logger\n');
  }

  /** Records posted that the hub has not taken in yet. */
  private backlog(): number {
    return (this.posted - Atomics.load(this.progress, PROGRESS.taken)) | 0;
  }

  private behind(): boolean {
    return ((this.postedChars - Atomics.load(this.progress, PROGRESS.chars)) | 0) > MAX_HUB_BACKLOG_CHARS;
  }

  /** True while the hub is too far behind, when there is no session file to pass it over for. */
  busy(): boolean {
    return !this.failed && !this.fed && this.behind();
  }

  /** Blocks until the hub has taken in every record written; false after `timeoutMs`. */
  flushSync(timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    while (!this.failed && this.backlog() > 0) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.progress, PROGRESS.taken, Atomics.load(this.progress, PROGRESS.taken), Math.min(left, 50));
    }
    return true;
  }

  /**
   * Ends the session without returning to the event loop (`process.exit()`,
   * an uncaught exception, a signal): the hub, on its own thread, sends tabs
   * the last records and `end` while this thread waits, at most `timeoutMs`.
   * There is no linger here: the program chose to end now.
   */
  closeSync(end: EndMessage, timeoutMs: number): void {
    if (this.failed) return;
    this.post({ t: 'end', message: end, lingerMs: 0 });
    Atomics.wait(this.progress, PROGRESS.ended, 0, timeoutMs);
  }

  checkpoint(message: CheckpointMessage): void {
    if (!this.fed) this.post({ t: 'checkpoint', message });
  }

  dropped(from: number, to: number, count: number): void {
    if (!this.fed) this.post({ t: 'dropped', from, to, count });
  }

  /** The hub's latest counters, reported about once a second. */
  stats(): HubStats | undefined {
    return this.lastStats;
  }

  /**
   * Ends the session on the dashboard. When no tab holds every record yet the
   * hub waits up to `linger` ms for one (saying so on stderr; Ctrl-C skips),
   * then sends `end`, lets tabs read it and stops. Gives up after `timeoutMs`.
   */
  async close(end: EndMessage, timeoutMs: number): Promise<void> {
    if (!this.failed) {
      const done = new Promise<void>((resolve) => {
        this.ended = resolve;
      });
      // Waiting for tabs is the point here, so this wait, unlike every other, keeps the process alive.
      this.worker.ref();
      this.post({ t: 'end', message: end, lingerMs: this.linger });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
      process.off('SIGINT', this.skipLinger);
    }
    await this.worker.terminate();
  }
}

/**
 * The hard bound on the hub thread's heap. The replay buffer lives outside it
 * (encoded once, as the bytes sent) and has its own bound; the heap holds the
 * batches in passage and the server, plus an eighth of the replay bound for
 * bookkeeping. Were the hub ever to need more, its worker stops and the
 * program runs on without a dashboard, rather than eating the machine's memory.
 */
export function hubHeapLimitMb(replayBytes: number): number {
  return 96 + Math.ceil(replayBytes / (8 * 1024 * 1024));
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
