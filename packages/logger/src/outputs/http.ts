/**
 * The HTTP side shared by the built-in outputs: one gzip-compressed POST,
 * and what its reply means for the records in it.
 *
 * Requests go through `node:http` and `node:https` with their global agents,
 * which keep connections alive between requests (and let idle ones not hold
 * the thread open). Not `fetch`: its request and response objects cost more
 * than twice the CPU time per request, on the thread that also encodes the
 * records. A redirect is an answer like any other 3xx: refused, with its status.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { constants, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/**
 * The gzip settings of every request body. The fastest level: on record batches (repetitive keys and text) it compresses
 * within a few percent of the default level at about a seventh of its CPU time,
 * and the CPU is what a busy program has least of.
 */
export const GZIP_OPTIONS = { level: constants.Z_BEST_SPEED };

/** What a built-in output sends for a run of records. */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string | Uint8Array;
  /** True when `body` (bytes) is gzip-compressed already, as with `GZIP_OPTIONS` in another thread. */
  gzipped?: boolean;
}

/** The server's reply, read whole. */
export interface HttpReply {
  status: number;
  retryAfter: string | null;
  text: string;
  body: Uint8Array;
}

/** The outcome of one attempt at delivering `lines`. */
export interface Attempt {
  /** Records the server took. */
  sent: number;
  /** Records it refused for good (counted, not retried). */
  rejected: number;
  /** Lines to try again, in order: all of them after a 429, a 5xx or a network failure. */
  retry: readonly string[];
  /** What went wrong, in the server's words when it gave some. */
  message?: string;
  /** The server's `Retry-After`, if it sent one. */
  retryAfter?: string | null;
}

/** Posts `request` gzip-compressed (unless it is already) and reads the reply; throws on a network failure or when `signal` aborts. */
export async function post(request: HttpRequest, signal: AbortSignal): Promise<HttpReply> {
  const body =
    request.gzipped === true && typeof request.body !== 'string'
      ? request.body
      : await gzipAsync(typeof request.body === 'string' ? Buffer.from(request.body) : request.body, GZIP_OPTIONS);
  signal.throwIfAborted();
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...request.headers, 'content-encoding': 'gzip', 'content-length': String(body.length) };
  const response = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = send(url, { method: 'POST', headers, signal }, resolve);
    req.on('error', reject);
    req.end(body);
  });
  const bytes = await readAll(response);
  const retryAfter = response.headers['retry-after'];
  return {
    status: response.statusCode ?? 0,
    retryAfter: retryAfter === undefined ? null : retryAfter,
    text: bytes.toString('utf8'),
    body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
  };
}

/** The body of a reply, whole; rejects when the connection ends before it (an abort included). */
function readAll(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks)));
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete) reject(new Error('the connection closed before the reply ended'));
    });
  });
}

/** True for a status worth trying again: 408, 429 and 5xx. */
export function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * What an HTTP reply means for all of `lines` together, as most APIs answer:
 * 2xx took them, a retryable status asks for them again, any other status
 * refused them (with the server's message, cut short).
 */
export function replyOutcome(reply: HttpReply, lines: readonly string[]): Attempt {
  if (reply.status >= 200 && reply.status < 300) return { sent: lines.length, rejected: 0, retry: [] };
  const message = `HTTP ${reply.status}${reply.text.trim() === '' ? '' : `: ${reply.text.trim().slice(0, 500)}`}`;
  if (isRetryable(reply.status)) return { sent: 0, rejected: 0, retry: lines, message, retryAfter: reply.retryAfter };
  return { sent: 0, rejected: lines.length, retry: [], message };
}

/** `Authorization` for basic auth, or nothing when no user name is set. */
export function basicAuth(username: string | undefined, password: string | undefined): Record<string, string> {
  if (username === undefined || username === '') return {};
  return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
}

/** `base` (a server's address) with an API `path` after it, without doubling the slash. */
export function apiUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
