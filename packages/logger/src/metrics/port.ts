import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isLoopbackHost } from '../server/security.js';
import { threadExecArgv } from '../thread-argv.js';
import type { MetricsServerOptions } from './server.js';
import type { MetricsSnapshot } from './snapshot.js';

/** Messages from the logging thread to the `metricsPort` worker. */
export type ToMetricsWorker = { t: 'metrics'; snapshot: MetricsSnapshot };

/** Messages from the `metricsPort` worker to the logging thread. */
export type FromMetricsWorker =
  | { t: 'listening'; url: string }
  | { t: 'error'; message: string }
  /** A scraper asked: answer with `metrics`. */
  | { t: 'metrics-wanted' };

/**
 * The `metricsPort` server as the logging thread sees it: a worker of its
 * own (`worker.ts`) that asks for the logger's figures on each scrape. It
 * never keeps the program alive; it stops with the logger.
 */
export class MetricsPort {
  /** Resolves with the scrape address once it listens, `undefined` if it could not start. */
  readonly ready: Promise<string | undefined>;
  private readonly worker: Worker;
  private failed = false;

  /** `snapshot` makes the figures each scrape asks for. */
  constructor(options: MetricsServerOptions, snapshot: () => Promise<MetricsSnapshot>) {
    this.worker = new Worker(workerUrl(), {
      workerData: options,
      name: 'pulselog-metrics',
      execArgv: threadExecArgv(),
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    this.ready = new Promise((resolve) => {
      this.worker.on('message', (message: FromMetricsWorker) => {
        switch (message.t) {
          case 'listening':
            process.stderr.write(`pulselog: Prometheus metrics at ${message.url}\n`);
            if (!isLoopbackHost(options.host)) {
              process.stderr.write(
                `pulselog: warning: the metrics server listens on ${options.host}, reachable from other machines\n`,
              );
            }
            resolve(message.url);
            break;
          case 'error':
            this.failed = true;
            process.stderr.write(`pulselog: the metrics server could not start: ${message.message}\n`);
            resolve(undefined);
            break;
          case 'metrics-wanted':
            void snapshot().then(
              (s) => this.post({ t: 'metrics', snapshot: s }),
              // The scrape gets the last figures; making them must never disturb the program.
              () => {},
            );
            break;
        }
      });
      this.worker.on('error', (err) => {
        this.failed = true;
        process.stderr.write(`pulselog: the metrics server stopped: ${err.message}\n`);
        resolve(undefined);
      });
    });
    // A scraper alone must not keep a finished program alive. (After the listeners: adding one refs it again.)
    this.worker.unref();
  }

  private post(message: ToMetricsWorker): void {
    if (!this.failed) this.worker.postMessage(message);
  }

  /** Stops the server. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** The worker's module: beside this one in the built package; from the sources (under test), the built one. */
function workerUrl(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/metrics/worker.js', import.meta.url);
}
