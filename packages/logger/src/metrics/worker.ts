/**
 * Entry of the `metricsPort` worker: serves `GET /metrics` on its own port,
 * off the logging thread, for a program with or without the dashboard.
 *
 *   logging thread ──{ t: 'metrics', snapshot }──▶ this worker ──▶ scraper
 *                  ◀──{ t: 'metrics-wanted' }────  (on each scrape)
 */
import { parentPort, workerData } from 'node:worker_threads';
import { MetricsEndpoint } from './endpoint.js';
import type { FromMetricsWorker, ToMetricsWorker } from './port.js';
import { type MetricsServerOptions, startMetricsServer } from './server.js';

async function main(port: NonNullable<typeof parentPort>, options: MetricsServerOptions): Promise<void> {
  const post = (message: FromMetricsWorker) => port.postMessage(message);
  const endpoint = new MetricsEndpoint(() => post({ t: 'metrics-wanted' }));
  port.on('message', (message: ToMetricsWorker) => {
    if (message.t === 'metrics') endpoint.take(message.snapshot);
  });
  try {
    const server = await startMetricsServer(options, endpoint);
    post({ t: 'listening', url: server.url });
  } catch (err) {
    post({ t: 'error', message: (err as Error).message });
  }
}

if (parentPort) void main(parentPort, workerData as MetricsServerOptions);
