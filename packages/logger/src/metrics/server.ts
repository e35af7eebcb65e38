import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowedHosts, fetchSiteAllowed, hostAllowed, SECURITY_HEADERS, tokenMatches } from '../server/security.js';
import { METRICS_PATH, type MetricsEndpoint } from './endpoint.js';

/** Where the `metricsPort` server listens, and the token a scraper presents. */
export interface MetricsServerOptions {
  host: string;
  port: number;
  token: string;
}

/** A listening `metricsPort` server. */
export interface MetricsServer {
  readonly port: number;
  /** The scrape address, without the token. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The server of `metricsPort`: `GET /metrics` and nothing else, for a
 * scraper, with the dashboard's checks: the bound or a loopback `Host`, no
 * request a browser says comes from another site, and the token as
 * `Authorization: Bearer` (Prometheus's `authorization`) or `?token=` (its `params`).
 */
export async function startMetricsServer(
  options: MetricsServerOptions,
  endpoint: MetricsEndpoint,
): Promise<MetricsServer> {
  let allowed = new Set<string>();
  const server: Server = createServer({ headersTimeout: 5000, requestTimeout: 10_000 }, (req, res) => {
    const refuse = (status: number, message: string) => {
      res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${message}\n`);
    };
    if (!hostAllowed(req, allowed)) return refuse(421, 'unknown host');
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== METRICS_PATH) return refuse(404, 'not found');
    if (!fetchSiteAllowed(req)) return refuse(403, 'forbidden origin');
    const auth = req.headers.authorization;
    const presented =
      typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : url.searchParams.get('token');
    if (!tokenMatches(presented, options.token)) return refuse(401, 'token required');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(405, 'method not allowed');
    void endpoint.serve(res, SECURITY_HEADERS, req.method === 'HEAD');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  allowed = allowedHosts(options.host, port);
  const shown = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  return {
    port,
    url: `http://${shown.includes(':') ? `[${shown}]` : shown}:${port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
