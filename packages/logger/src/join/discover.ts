import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { threadExecArgv } from '../thread-argv.js';
import { formatJoinAddress, JOIN_PATH } from './address.js';

/** Where `pulselog serve` says it runs, in the project's `.pulselog/` folder. */
export const SERVE_FILE = 'serve.json';
/** Longest a new logger waits for a standing dashboard's health answer. */
const PROBE_TIMEOUT_MS = 1500;
/** Bytes of health answer read. */
const PROBE_MAX_BYTES = 64 * 1024;

/** What `.pulselog/serve.json` holds while `pulselog serve` runs. */
export interface ServeNote {
  pid: number;
  /** The address its dashboard listens on. */
  host: string;
  port: number;
  /** Its session id, which its `GET /api/health` names too. */
  session: string;
}

/** Writes the note a standing dashboard leaves for the project's loggers; returns how to remove it. */
export function writeServeNote(projectDir: string, note: ServeNote): () => void {
  const file = join(projectDir, '.pulselog', SERVE_FILE);
  writeFileSync(file, `${JSON.stringify(note)}\n`, { mode: 0o600 });
  return () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as ServeNote).session === note.session) rmSync(file);
    } catch {
      // Gone already, or another standing dashboard's now: nothing of ours to remove.
    }
  };
}

/**
 * The join address of `pulselog serve` running for this project, or
 * `undefined`. Its note (`.pulselog/serve.json`) is a hint, read at no cost
 * when absent; what decides is `GET /api/health` on the same port with the
 * project's token: it must answer as pulselog, for the session the note
 * names, with a `/join` endpoint. That request is made on a short-lived
 * thread while this one waits for it (`new Logger()` is synchronous), and
 * only when a note names a live process on this logger's port.
 */
export function discoverServe(projectDir: string, port: number, token: string): string | undefined {
  let note: ServeNote;
  try {
    note = JSON.parse(readFileSync(join(projectDir, '.pulselog', SERVE_FILE), 'utf8')) as ServeNote;
  } catch {
    return undefined;
  }
  if (note.port !== port || !Number.isSafeInteger(note.pid) || !processAlive(note.pid)) return undefined;
  const host = note.host === '0.0.0.0' || note.host === '::' ? '127.0.0.1' : note.host;
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${note.port}`;
  const health = probeSync(`${origin}/api/health`, token);
  if (
    health === undefined ||
    typeof health.pulselog !== 'string' ||
    health.session !== note.session ||
    health.join !== JOIN_PATH
  ) {
    return undefined;
  }
  return formatJoinAddress({ kind: 'ws', target: `${origin.replace('http', 'ws')}${JOIN_PATH}`, token });
}

/** True while process `pid` runs (one of another user's counts too). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The code of the probing thread: one GET, its JSON body written into the shared buffer. */
const PROBE_SOURCE = `
const { workerData } = require('node:worker_threads');
const { url, token, sab, timeoutMs } = workerData;
const state = new Int32Array(sab, 0, 2);
const bytes = new Uint8Array(sab, 8);
const done = (text) => {
  const body = Buffer.from(text).subarray(0, bytes.length);
  bytes.set(body);
  state[1] = body.length;
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
};
fetch(url, { headers: { Authorization: 'Bearer ' + token }, signal: AbortSignal.timeout(timeoutMs) })
  .then((res) => (res.ok ? res.text() : ''))
  .then(done, () => done(''));
`;

/** `GET url` with the token, from another thread while this one waits: its JSON body, or `undefined`. */
function probeSync(url: string, token: string): Record<string, unknown> | undefined {
  const sab = new SharedArrayBuffer(8 + PROBE_MAX_BYTES);
  const state = new Int32Array(sab, 0, 2);
  const worker = new Worker(PROBE_SOURCE, {
    eval: true,
    workerData: { url, token, sab, timeoutMs: PROBE_TIMEOUT_MS },
    name: 'pulselog-probe',
    execArgv: threadExecArgv(),
  });
  worker.unref();
  worker.on('error', () => {});
  // Worker start-up comes on top of the request's own timeout.
  Atomics.wait(state, 0, 0, PROBE_TIMEOUT_MS + 1000);
  const length = Atomics.load(state, 0) === 1 ? (state[1] as number) : 0;
  void worker.terminate();
  if (length === 0) return undefined;
  try {
    const body = JSON.parse(Buffer.from(new Uint8Array(sab, 8, length)).toString('utf8')) as unknown;
    return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
