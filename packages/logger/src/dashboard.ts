import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { CheckpointStoreStatus, EndMessage, HubStats, SessionInfo } from '@pulselog/shared';
import type { ResolvedConfig } from './config.js';
import { type JoinOffer, offerJoin } from './join/parent.js';
import type { MetricsSnapshot } from './metrics/snapshot.js';
import { openBrowser, reasonNotToOpen } from './open-browser.js';
import { type HubLink, MAX_HUB_BACKLOG_CHARS } from './pipeline/client.js';
import { type FromHub, type HubOptions, PROGRESS, PROGRESS_SLOTS, type ToHub } from './server/messages.js';
import { isLoopbackHost } from './server/security.js';
import { threadExecArgv } from './thread-argv.js';
import { projectToken } from './token.js';

/** Built dashboard files, shipped inside this package's `dist/dashboard`. */
const STATIC_DIR = fileURLToPath(new URL('./dashboard/', import.meta.url));
const WORKER_URL = new URL('./server/worker.js', import.meta.url);
/**
 * How long a new run waits for a dashboard tab left open by an earlier run to
 * reconnect by itself before it opens the browser: one tab, not a tab per run.
 */
export const TAB_REUSE_WAIT_MS = 1500;

/**
 * The dashboard on the logging thread: starts the hub's worker, prints the
 * URL and opens the browser once, and lingers for a tab at the end, but only
 * when a tab was opened or has connected: a cron job on a machine with no
 * display has nobody to wait for (issue 19). Records
 * never pass through here: the pipeline thread feeds the hub (`link`).
 */
export class Dashboard {
  /** Resolves with the dashboard URL once the server listens, or `undefined` if it could not start. */
  readonly ready: Promise<string | undefined>;
  /** The hub's end of the pipeline, to hand to `PipelineClient` once: its port moves to the pipeline thread. */
  readonly link: HubLink;
  private readonly worker: Worker;
  private lastStats: HubStats | undefined;
  private ended: (() => void) | undefined;
  private failed = false;
  private tabConnected = false;
  /** The browser is to be opened once no earlier tab has come back (`openUnlessTabReturns`). */
  private openPending = false;
  private browserOpened = false;
  private readonly linger: number;
  private readonly progress = new Int32Array(new SharedArrayBuffer(4 * PROGRESS_SLOTS));
  /**
   * Takes records the hub received over OTLP: set by the logger, which queues
   * them as its own (`ingest.ts`). Records that come while it is unset are not kept.
   */
  onIngest: ((times: ArrayLike<number>, tails: readonly string[]) => void) | undefined;
  /** Called when a scraper asks the hub for `/metrics`: set by the logger, which answers with `sendMetrics`. */
  onMetricsWanted: (() => void) | undefined;
  /**
   * Makes the queue for records of a source that joined (`join/`): set by the
   * logger, which queues them as its own in a context named after the source.
   */
  ingestFor: ((source: string) => (times: ArrayLike<number>, tails: readonly string[]) => void) | undefined;
  private readonly sources = new Map<string, (times: ArrayLike<number>, tails: readonly string[]) => void>();
  /** The join address workers and children inherit, while this dashboard runs. */
  private readonly joinOffer: JoinOffer | undefined;

  constructor(config: ResolvedConfig, session: SessionInfo) {
    this.linger = config.linger;
    const channel = new MessageChannel();
    this.link = {
      feed: {
        port: channel.port1,
        progress: this.progress.buffer as SharedArrayBuffer,
        takenSlot: PROGRESS.chars,
        maxBehind: MAX_HUB_BACKLOG_CHARS,
      },
      lost: (from, to, count) => this.post({ t: 'dropped', from, to, count }),
    };
    const token = config.token ?? projectToken(config.projectDir);
    this.joinOffer = offerJoin(token);
    const options: HubOptions = {
      host: config.host,
      port: config.port,
      portRange: 20,
      token,
      staticDir: STATIC_DIR,
      session,
      maxRecords: config.replayRecords,
      maxBytes: config.replayBytes,
      progress: this.progress.buffer as SharedArrayBuffer,
      feed: channel.port2,
      otlpMaxBytes: config.otlpMaxBytes,
    };
    if (this.joinOffer) options.joinSocket = this.joinOffer.socket;
    this.worker = new Worker(WORKER_URL, {
      workerData: options,
      transferList: [channel.port2],
      name: 'pulselog-dashboard',
      execArgv: threadExecArgv(),
      resourceLimits: { maxOldGenerationSizeMb: hubHeapLimitMb(config.replayBytes, config.otlpMaxBytes) },
    });
    this.ready = new Promise((resolve) => {
      this.worker.on('message', (message: FromHub) => this.onHubMessage(message, config, resolve));
      this.worker.on('error', (err) => {
        this.failed = true;
        this.joinOffer?.withdraw();
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
        this.joinOffer?.withdraw();
        process.stderr.write(`pulselog: dashboard could not start: ${message.message}\n`);
        ready(undefined);
        break;
      case 'stats':
        this.lastStats = message.stats;
        break;
      case 'ended':
        this.ended?.();
        break;
      case 'metrics-wanted':
        this.onMetricsWanted?.();
        break;
      case 'ingest':
        this.onIngest?.(message.times, message.tails);
        // Counted even with nobody to take them, so the hub never waits on records that will not be queued.
        Atomics.add(this.progress, PROGRESS.ingested, message.tails.length);
        break;
      case 'joined':
        this.joinedIngest(message.source)?.(message.times, message.tails);
        Atomics.add(this.progress, PROGRESS.ingested, message.tails.length);
        break;
      case 'left':
        // Its queue goes once drained: a standing dashboard sees many scripts come and go.
        this.sources.delete(message.source);
        break;
    }
  }

  /** The queue of a joined source's records, made on its first records. */
  private joinedIngest(source: string): ((times: ArrayLike<number>, tails: readonly string[]) => void) | undefined {
    let ingest = this.sources.get(source);
    if (ingest === undefined && this.ingestFor !== undefined) {
      ingest = this.ingestFor(source);
      this.sources.set(source, ingest);
    }
    return ingest;
  }

  private readonly skipLinger = () => this.post({ t: 'skip-linger' });

  /** Tells tabs how saving checkpoints goes, after a save failed or works again. */
  checkpointStore(status: CheckpointStoreStatus): void {
    this.post({ t: 'checkpoint-store', status });
  }

  /** Opens the browser unless a tab from an earlier run reconnects first. */
  private openUnlessTabReturns(url: string): void {
    this.openPending = true;
    const timer = setTimeout(async () => {
      if (this.tabConnected) {
        this.openPending = false;
        process.stderr.write('pulselog: an open dashboard tab reconnected; no new tab opened\n');
        return;
      }
      this.browserOpened = await openBrowser(url);
      this.openPending = false;
      // A linger that began while the browser was to be opened waits for nobody now.
      if (!this.browserOpened && !this.tabConnected) this.skipLinger();
    }, TAB_REUSE_WAIT_MS);
    // A script that ends sooner still gets its tab: the linger wait in `close` keeps the process up.
    timer.unref();
  }

  /** Hands the hub the logger's figures for `/metrics`. */
  sendMetrics(snapshot: MetricsSnapshot): void {
    this.post({ t: 'metrics', snapshot });
  }

  private post(message: ToHub): void {
    if (!this.failed) this.worker.postMessage(message);
  }

  /**
   * Ends the session without returning to the event loop (`process.exit()`,
   * an uncaught exception, a signal): the hub, on its own thread, sends tabs
   * the last records and `end` while this thread waits, at most `timeoutMs`.
   * There is no linger here: the program chose to end now.
   */
  closeSync(end: EndMessage, timeoutMs: number): void {
    this.joinOffer?.withdraw();
    if (this.failed) return;
    this.post({ t: 'end', message: end, lingerMs: 0 });
    Atomics.wait(this.progress, PROGRESS.ended, 0, timeoutMs);
  }

  /** The hub's latest counters, reported about once a second. */
  stats(): HubStats | undefined {
    return this.lastStats;
  }

  /**
   * Whether a tab may come for the last records: one has connected, or the
   * browser was opened or is about to be. Only then is lingering worth it.
   */
  private tabExpected(): boolean {
    return this.tabConnected || this.openPending || this.browserOpened;
  }

  /**
   * Ends the session on the dashboard. When a tab is expected (`tabExpected`)
   * and none holds every record yet, the hub waits up to `linger` ms for one
   * (saying so on stderr; Ctrl-C skips), then sends `end`, lets tabs read it
   * and stops. Gives up after `timeoutMs`.
   */
  async close(end: EndMessage, timeoutMs: number): Promise<void> {
    this.joinOffer?.withdraw();
    if (!this.failed) {
      const done = new Promise<void>((resolve) => {
        this.ended = resolve;
      });
      // Waiting for tabs is the point here, so this wait, unlike every other, keeps the process alive.
      this.worker.ref();
      this.post({ t: 'end', message: end, lingerMs: this.tabExpected() ? this.linger : 0 });
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
 * bookkeeping, plus room to parse an OTLP body of `otlpMaxBytes` (its text,
 * the objects JSON makes of it and the records made of those: five times
 * its size). Were the hub ever to need more, its worker stops and the
 * program runs on without a dashboard, rather than eating the machine's memory.
 */
export function hubHeapLimitMb(replayBytes: number, otlpMaxBytes: number): number {
  return 96 + Math.ceil(replayBytes / (8 * 1024 * 1024)) + Math.ceil((5 * otlpMaxBytes) / (1024 * 1024));
}

function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
