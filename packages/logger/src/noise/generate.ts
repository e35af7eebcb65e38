/**
 * The content of `pulselog noise`: a stream of realistic log events (HTTP
 * requests with status codes and latencies, application messages, errors
 * with stacks) from a seeded random source, and the four line formats it
 * writes them in. Pure: no clock, no I/O; the command paces and writes.
 */

/** The line formats `pulselog noise` writes. */
export const NOISE_FORMATS = ['json', 'logfmt', 'text', 'apache'] as const;
/** One of `NOISE_FORMATS`. */
export type NoiseFormat = (typeof NOISE_FORMATS)[number];

/** An HTTP request a service handled. */
export interface RequestEvent {
  kind: 'request';
  ts: number;
  level: 'info' | 'warning' | 'error';
  service: string;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  bytes: number;
  ip: string;
  userAgent: string;
  requestId: string;
}

/** Anything else a service says; `stack` on failures. */
export interface MessageEvent {
  kind: 'message';
  ts: number;
  level: 'debug' | 'info' | 'warning' | 'error' | 'critical';
  service: string;
  msg: string;
  fields: Record<string, string | number | boolean>;
  error?: { name: string; message: string; stack: string };
}

/** One event of the noise. */
export type NoiseEvent = RequestEvent | MessageEvent;

/** A small, fast seeded random source (mulberry32): the same seed makes the same noise. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = ['api', 'auth', 'billing', 'search', 'worker'];
const ROUTES: [string, string][] = [
  ['GET', '/api/v1/users/{id}'],
  ['GET', '/api/v1/orders?page={n}'],
  ['POST', '/api/v1/orders'],
  ['PUT', '/api/v1/users/{id}/settings'],
  ['GET', '/health'],
  ['DELETE', '/api/v1/sessions/{id}'],
  ['GET', '/static/app.{hash}.js'],
  ['POST', '/api/v1/search'],
];
/** Status codes with their weights: mostly success, a tail of client and server errors. */
const STATUSES: [number, number][] = [
  [200, 70],
  [201, 6],
  [204, 4],
  [301, 1],
  [304, 5],
  [400, 3],
  [401, 2],
  [403, 1],
  [404, 4],
  [429, 1],
  [500, 1.5],
  [502, 0.7],
  [503, 0.8],
];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'curl/8.11.1',
  'python-requests/2.32.3',
  'Go-http-client/2.0',
];
const MESSAGES: [MessageEvent['level'], string, (r: () => number) => MessageEvent['fields']][] = [
  ['debug', 'cache lookup', (r) => ({ key: `user:${int(r, 1, 99999)}`, hit: r() < 0.8 })],
  ['info', 'job finished', (r) => ({ job: `reindex-${int(r, 1, 500)}`, duration_ms: int(r, 50, 90000) })],
  ['info', 'user signed in', (r) => ({ user_id: int(r, 1, 99999), method: r() < 0.7 ? 'password' : 'sso' })],
  ['warning', 'slow query', (r) => ({ table: 'orders', duration_ms: int(r, 500, 8000), rows: int(r, 1, 1e6) })],
  ['warning', 'retrying upstream call', (r) => ({ upstream: 'payments', attempt: int(r, 1, 5) })],
  ['info', 'connection pool resized', (r) => ({ pool: 'postgres', size: int(r, 5, 50) })],
];
const FAILURES: [string, string, string][] = [
  ['TypeError', "Cannot read properties of undefined (reading 'id')", 'handlers/orders.js'],
  ['Error', 'connect ECONNREFUSED 10.0.3.7:5432', 'db/pool.js'],
  ['TimeoutError', 'upstream payments did not answer within 5000 ms', 'clients/payments.js'],
  ['RangeError', 'Invalid array length', 'search/rank.js'],
];

function int(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function weighted(random: () => number, items: readonly [number, number][]): number {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let x = random() * total;
  for (const [value, w] of items) {
    x -= w;
    if (x < 0) return value;
  }
  return (items[items.length - 1] as [number, number])[0];
}

/** Makes events: about four requests to each other message, one failure in fifty. */
export class NoiseGenerator {
  private readonly random: () => number;
  private counter = 0;

  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  /** The next event, at time `ts` (ms since the epoch). */
  next(ts: number): NoiseEvent {
    const r = this.random;
    this.counter++;
    const service = pick(r, SERVICES);
    const roll = r();
    if (roll < 0.02) {
      const [name, message, file] = pick(r, FAILURES);
      const stack = [
        `${name}: ${message}`,
        `    at handle (/srv/${service}/src/${file}:${int(r, 10, 400)}:${int(r, 5, 40)})`,
        `    at Layer.handle (/srv/${service}/node_modules/express/lib/router/layer.js:95:5)`,
        `    at next (/srv/${service}/node_modules/express/lib/router/route.js:149:13)`,
        '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      ].join('\n');
      return {
        kind: 'message',
        ts,
        level: r() < 0.1 ? 'critical' : 'error',
        service,
        msg: 'request handler failed',
        fields: { request_id: this.requestId() },
        error: { name, message, stack },
      };
    }
    if (roll < 0.22) {
      const [level, msg, fields] = pick(r, MESSAGES);
      return { kind: 'message', ts, level, service, msg, fields: fields(r) };
    }
    const [method, route] = pick(r, ROUTES);
    const path = route
      .replace('{id}', String(int(r, 1, 99999)))
      .replace('{n}', String(int(r, 1, 40)))
      .replace(
        '{hash}',
        Math.floor(r() * 0xffffffff)
          .toString(16)
          .padStart(8, '0'),
      );
    const status = weighted(r, STATUSES);
    // Latencies are long-tailed: most requests are quick, a few take seconds; errors are slower.
    const base = Math.exp(2 + r() * 3 + (r() < 0.02 ? 3 : 0)) * (status >= 500 ? 3 : 1);
    return {
      kind: 'request',
      ts,
      level: status >= 500 ? 'error' : status >= 400 ? 'warning' : 'info',
      service,
      method,
      path,
      status,
      latencyMs: Math.round(base * 10) / 10,
      bytes: status === 204 || status === 304 ? 0 : int(r, 120, 48_000),
      ip: `10.${int(r, 0, 255)}.${int(r, 0, 255)}.${int(r, 1, 254)}`,
      userAgent: pick(r, AGENTS),
      requestId: this.requestId(),
    };
  }

  private requestId(): string {
    return `req-${this.counter.toString(36)}-${Math.floor(this.random() * 0xffffff).toString(36)}`;
  }
}

/** An event as one line (a text line with a stack spans several) in `format`, without the final newline. */
export function formatEvent(event: NoiseEvent, format: NoiseFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(jsonOf(event));
    case 'logfmt':
      return Object.entries(flat(event))
        .map(([k, v]) => `${k}=${logfmtValue(v)}`)
        .join(' ');
    case 'text':
      return textOf(event);
    case 'apache':
      return apacheOf(event);
  }
}

function jsonOf(event: NoiseEvent): Record<string, unknown> {
  const time = new Date(event.ts).toISOString();
  if (event.kind === 'request') {
    const { method, path, status, latencyMs, bytes, ip, userAgent, requestId } = event;
    return {
      time,
      level: event.level,
      service: event.service,
      msg: `${method} ${path} ${status}`,
      method,
      path,
      status,
      latency_ms: latencyMs,
      bytes,
      client_ip: ip,
      user_agent: userAgent,
      request_id: requestId,
    };
  }
  return {
    time,
    level: event.level,
    service: event.service,
    msg: event.msg,
    ...event.fields,
    ...(event.error ? { error: event.error } : {}),
  };
}

function flat(event: NoiseEvent): Record<string, unknown> {
  const { error, ...rest } = jsonOf(event) as { error?: MessageEvent['error'] } & Record<string, unknown>;
  if (error === undefined) return rest;
  return { ...rest, error_type: error.name, error: error.message, stack: error.stack };
}

function logfmtValue(value: unknown): string {
  const text = String(value);
  return /^[^\s"=\\]+$/.test(text) ? text : JSON.stringify(text);
}

function textOf(event: NoiseEvent): string {
  const head = `${new Date(event.ts).toISOString()} ${event.level.toUpperCase().padEnd(8)} [${event.service}]`;
  if (event.kind === 'request') {
    return `${head} ${event.method} ${event.path} ${event.status} ${event.latencyMs}ms request_id=${event.requestId}`;
  }
  const fields = Object.entries(event.fields)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const line = `${head} ${event.msg}${fields ? ` ${fields}` : ''}`;
  return event.error ? `${line}\n${event.error.stack}` : line;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Apache's combined log format; an event that is not a request becomes the 500 it caused. */
function apacheOf(event: NoiseEvent): string {
  const d = new Date(event.ts);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
  const r =
    event.kind === 'request'
      ? event
      : {
          method: 'POST',
          path: `/internal/${event.service}/jobs`,
          status: event.error ? 500 : 200,
          bytes: 0,
          ip: '127.0.0.1',
          userAgent: 'internal',
        };
  const bytes = r.bytes === 0 ? '-' : String(r.bytes);
  return `${r.ip} - - [${time}] "${r.method} ${r.path} HTTP/1.1" ${r.status} ${bytes} "-" "${r.userAgent}"`;
}
