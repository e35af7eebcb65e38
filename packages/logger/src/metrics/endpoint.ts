import type { ServerResponse } from 'node:http';
import { METRICS_CONTENT_TYPE, MetricsRegistry } from './registry.js';
import type { MetricsSnapshot } from './snapshot.js';

/** The path Prometheus scrapes by default. */
export const METRICS_PATH = '/metrics';

/**
 * How long a scrape waits for the logging thread's fresh figures. A logging
 * thread too busy to answer in time (a loop that never yields) gets its last
 * figures served instead: a scrape must not fail because the program is busy.
 */
const FRESH_WAIT_MS = 500;
/** How long the first scrape waits for any figures at all before it is answered 503. */
const FIRST_WAIT_MS = 3000;

/**
 * `GET /metrics` on the thread that serves HTTP (the dashboard hub, or the
 * `metricsPort` worker): asks the logging thread for its figures (`ask`),
 * takes them when they come (`take`) and answers in the Prometheus text
 * format. The caller has checked the request (host, token).
 */
export class MetricsEndpoint {
  private registry: Promise<MetricsRegistry> | undefined;
  private latest: MetricsSnapshot | undefined;
  private waiters: (() => void)[] = [];

  /** `ask`: asks the logging thread for a snapshot, which comes back through `take`. */
  constructor(private readonly ask: () => void) {}

  /** Takes the figures the logging thread sent. */
  take(snapshot: MetricsSnapshot): void {
    this.latest = snapshot;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Answers a scrape: the freshest figures within `FRESH_WAIT_MS`, else the last ones. */
  async serve(res: ServerResponse, headers: Readonly<Record<string, string>>, head: boolean): Promise<void> {
    try {
      this.registry ??= MetricsRegistry.create();
      let wake = () => {};
      const fresh = new Promise<void>((resolve) => {
        wake = resolve;
        this.waiters.push(resolve);
      });
      this.ask();
      await waitAtMost(fresh, this.latest === undefined ? FIRST_WAIT_MS : FRESH_WAIT_MS);
      // A logging thread that never answers must not leave a waiter per scrape behind.
      this.waiters = this.waiters.filter((w) => w !== wake);
      const snapshot = this.latest;
      if (snapshot === undefined) {
        res.writeHead(503, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' });
        res.end('the logger has not sent its figures yet\n');
        return;
      }
      const body = await (await this.registry).render(snapshot);
      res.writeHead(200, {
        ...headers,
        'Content-Type': METRICS_CONTENT_TYPE,
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-store',
      });
      res.end(head ? undefined : body);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      res.writeHead(500, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`metrics unavailable: ${(err as Error).message}\n`);
    }
  }
}

async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
