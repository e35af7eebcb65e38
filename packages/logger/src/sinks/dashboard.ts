import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CheckpointMessage, EndMessage, HubStats, SessionInfo } from '@pulselog/shared';
import type { ResolvedConfig } from '../config.js';
import { openBrowser, reasonNotToOpen } from '../open-browser.js';
import type { FromHub, HubOptions, ToHub } from '../server/messages.js';
import { projectToken } from '../token.js';
import type { Batch, Sink } from './sink.js';

/** Built dashboard files, shipped inside this package's `dist/dashboard`. */
const STATIC_DIR = fileURLToPath(new URL('../dashboard/', import.meta.url));
const WORKER_URL = new URL('../server/worker.js', import.meta.url);

/**
 * The dashboard as a sink: starts the hub worker, hands it batches the logger
 * already serialized, prints the URL and opens the browser once.
 */
export class DashboardSink implements Sink {
  readonly name = 'dashboard';
  /** Resolves with the dashboard URL once the server listens, or `undefined` if it could not start. */
  readonly ready: Promise<string | undefined>;
  private readonly worker: Worker;
  private lastStats: HubStats | undefined;
  private ended: (() => void) | undefined;
  private failed = false;

  constructor(config: ResolvedConfig, session: SessionInfo) {
    const options: HubOptions = {
      host: config.host,
      port: config.port,
      portRange: 20,
      token: config.token ?? projectToken(config.projectDir),
      staticDir: STATIC_DIR,
      session,
      maxRecords: 1_000_000,
      maxBytes: 256 * 1024 * 1024,
    };
    this.worker = new Worker(WORKER_URL, { workerData: options, name: 'pulselog-dashboard' });
    // The dashboard must never keep a finished program alive on its own.
    this.worker.unref();
    this.ready = new Promise((resolve) => {
      this.worker.on('message', (message: FromHub) => {
        switch (message.t) {
          case 'listening':
            process.stderr.write(`pulselog: dashboard at ${message.url}\n`);
            if (!isLoopback(config.host)) {
              process.stderr.write(
                `pulselog: warning: the dashboard listens on ${config.host}, reachable from other machines\n`,
              );
            }
            if (config.open) {
              const why = reasonNotToOpen();
              if (why === undefined) void openBrowser(message.url);
            }
            resolve(message.url);
            break;
          case 'error':
            this.failed = true;
            process.stderr.write(`pulselog: dashboard could not start: ${message.message}\n`);
            resolve(undefined);
            break;
          case 'stats':
            this.lastStats = message.stats;
            break;
          case 'ended':
            this.ended?.();
            break;
        }
      });
      this.worker.on('error', (err) => {
        this.failed = true;
        process.stderr.write(`pulselog: dashboard stopped: ${err.message}\n`);
        resolve(undefined);
        this.ended?.();
      });
      this.worker.on('exit', () => this.ended?.());
    });
  }

  private post(message: ToHub): void {
    if (!this.failed) this.worker.postMessage(message);
  }

  write(batch: Batch): void {
    this.post({ t: 'records', ...batch });
  }

  checkpoint(message: CheckpointMessage): void {
    this.post({ t: 'checkpoint', message });
  }

  dropped(from: number, to: number, count: number): void {
    this.post({ t: 'dropped', from, to, count });
  }

  /** The hub's latest counters, reported about once a second. */
  stats(): HubStats | undefined {
    return this.lastStats;
  }

  async close(end: EndMessage, timeoutMs: number): Promise<void> {
    if (!this.failed) {
      const done = new Promise<void>((resolve) => {
        this.ended = resolve;
      });
      this.post({ t: 'end', message: end });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([done, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
    await this.worker.terminate();
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
