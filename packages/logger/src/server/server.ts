import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CHECKPOINT_DATA_PATH, CLOSE_UNAUTHORIZED, WS_PATH, WS_SUBPROTOCOL } from '@pulselog/shared';
import { WebSocketServer } from 'ws';
import { JOIN_PATH } from '../join/address.js';
import type { JoinReceiver } from '../join/receiver.js';
import { METRICS_PATH, type MetricsEndpoint } from '../metrics/endpoint.js';
import { DOOR_LIMITS, Door, type DoorLimits } from './door.js';
import type { Hub } from './hub.js';
import type { HubOptions } from './messages.js';
import { OTLP_LOGS_PATH, type OtlpReceiver } from './otlp/receiver.js';
import {
  allowedHosts,
  fetchSiteAllowed,
  hostAllowed,
  isLoopbackHost,
  originAllowed,
  SECURITY_HEADERS,
  tokenMatches,
} from './security.js';
import { resolveStatic, sendFile } from './static.js';

/** Largest WebSocket frame accepted from a client. */
const MAX_PAYLOAD = 64 * 1024;

/**
 * Node's own timeouts, far below its defaults (a minute for headers, five for
 * a request): a socket that trickles its headers or its body is cut off soon.
 */
const SERVER_TIMEOUTS = {
  headersTimeout: 5000,
  requestTimeout: 10_000,
  keepAliveTimeout: 5000,
  // How often the two above are checked; Node's default of 30 s would let a socket outlive them sixfold.
  connectionsCheckingInterval: 1000,
};

/** A listening dashboard server. */
export interface DashboardServer {
  server: Server;
  host: string;
  port: number;
  /** URL to open, token included (in the fragment, so it never reaches logs or Referer headers). */
  url: string;
  close(): Promise<void>;
}

function reject(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(`${message}\n`);
}

function json(res: ServerResponse, body: unknown): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(JSON.stringify(body));
}

/** Sends JSON text already encoded. */
function sendJson(res: ServerResponse, body: Buffer): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': body.length,
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

/**
 * What `GET /api/health` says of the server besides its counters: that it is
 * pulselog (its version), the session it serves, and where loggers join it.
 */
function identity(options: HubOptions, joins: JoinReceiver | undefined): Record<string, unknown> {
  return {
    pulselog: options.session.versions.pulselog,
    session: options.session.id,
    ...(joins ? { join: JOIN_PATH } : {}),
  };
}

/** Presented token: `Authorization: Bearer …` or `?token=`. */
function presentedToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  return url.searchParams.get('token');
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Starts the HTTP server (dashboard files and the JSON API) and the WebSocket
 * endpoint on the first free port from `options.port` up to `portRange` more.
 * Every API and WebSocket request needs the token and a loopback or bound
 * `Host`; WebSocket upgrades also need the dashboard's own `Origin`.
 * `otlp`, when given, takes OTLP/HTTP logs at `POST /v1/logs` behind the same checks;
 * `metrics`, when given, answers `GET /metrics` (Prometheus) behind them too.
 * `joins`, loggers of other processes joining at `/join` (token, no `Origin`).
 */
export async function startServer(
  options: HubOptions,
  hub: Hub,
  otlp?: OtlpReceiver,
  limits: DoorLimits = DOOR_LIMITS,
  metrics?: MetricsEndpoint,
  joins?: JoinReceiver,
): Promise<DashboardServer> {
  let allowed = new Set<string>();
  const door = new Door(limits);
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_PAYLOAD,
    // Compressing costs the hub half its throughput and saves nothing on
    // loopback, so only a dashboard reachable from elsewhere compresses.
    perMessageDeflate: isLoopbackHost(options.host)
      ? false
      : { threshold: 4096, serverNoContextTakeover: true, clientNoContextTakeover: true },
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });

  const server = createServer(SERVER_TIMEOUTS, (req, res) => {
    door.serving(req.socket, true);
    res.once('close', () => door.serving(req.socket, false));
    const refuse = (status: number, message: string) => {
      hub.noteRefused();
      reject(res, status, message);
    };
    if (!hostAllowed(req, allowed)) return refuse(421, 'unknown host');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const isOtlp = otlp !== undefined && url.pathname === OTLP_LOGS_PATH;
    const isMetrics = metrics !== undefined && url.pathname === METRICS_PATH;
    if (url.pathname.startsWith('/api/') || isOtlp || isMetrics) {
      // A browser names the page's origin on cross-origin requests: only the dashboard itself may ask.
      if (req.headers.origin !== undefined && !originAllowed(req, allowed)) return refuse(403, 'forbidden origin');
      if (!fetchSiteAllowed(req)) return refuse(403, 'forbidden origin');
      if (!tokenMatches(presentedToken(req, url), options.token)) return refuse(401, 'token required');
      door.trust(req.socket);
      if (isOtlp) return otlp.handle(req, res);
      if (isMetrics && (req.method === 'GET' || req.method === 'HEAD')) {
        return void metrics.serve(res, SECURITY_HEADERS, req.method === 'HEAD');
      }
      if (req.method !== 'GET') return reject(res, 405, 'method not allowed');
      if (url.pathname === '/api/health') return json(res, { ok: true, ...identity(options, joins), ...hub.stats() });
      if (url.pathname === '/api/session') return json(res, options.session);
      if (url.pathname === CHECKPOINT_DATA_PATH) {
        const body = hub.checkpointData(url.searchParams.get('name') ?? '');
        return body === undefined ? reject(res, 404, 'no such checkpoint') : sendJson(res, body);
      }
      return reject(res, 404, 'not found');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reject(res, 405, 'method not allowed');
    const file = resolveStatic(options.staticDir, url.pathname);
    if (!file) return reject(res, 404, 'not found');
    sendFile(res, file, SECURITY_HEADERS);
  });

  server.on('connection', (socket: Socket) => door.admit(socket));
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const refuse = (status: number, text: string) => {
      hub.noteRefused();
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (!hostAllowed(req, allowed)) return refuse(421, 'Misdirected Request');
    if (joins !== undefined && url.pathname === JOIN_PATH) {
      const joined = joins.upgrade(req, socket, head, (presented) => tokenMatches(presented, options.token));
      if (joined) door.trust(socket as Socket);
      else hub.noteRefused();
      return;
    }
    if (url.pathname !== WS_PATH) return refuse(404, 'Not Found');
    if (!originAllowed(req, allowed)) return refuse(403, 'Forbidden');
    const authorised = tokenMatches(presentedToken(req, url), options.token);
    if (authorised) door.trust(socket as Socket);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A browser sees no status of a refused upgrade, only a failed socket. The
      // dashboard's own page (Origin checked above) learns the reason from the
      // close code instead, and is sent nothing else.
      if (authorised) hub.add(ws);
      else {
        hub.noteRefused();
        ws.close(CLOSE_UNAUTHORIZED, 'token missing or wrong');
      }
    });
  });

  let port = -1;
  let lastError: Error | undefined;
  for (let candidate = options.port; candidate <= Math.min(options.port + options.portRange, 65535); candidate++) {
    try {
      port = await listen(server, options.host, candidate);
      break;
    } catch (err) {
      lastError = err as Error;
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      if (options.port === 0) break;
    }
  }
  if (port < 0) {
    const last = Math.min(options.port + options.portRange, 65535);
    const taken = new Error(
      `ports ${options.port} to ${last} on ${options.host} are all taken (${lastError?.message}); choose another with the port option or PULSELOG_PORT`,
    ) as NodeJS.ErrnoException;
    taken.code = 'EADDRINUSE';
    throw taken;
  }
  allowed = allowedHosts(options.host, port);

  const shownHost = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const urlHost = shownHost.includes(':') ? `[${shownHost}]` : shownHost;
  return {
    server,
    host: options.host,
    port,
    url: `http://${urlHost}:${port}/#token=${options.token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
