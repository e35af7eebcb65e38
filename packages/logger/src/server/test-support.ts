import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseServerMessage, type ServerMessage, type SessionInfo, WS_PATH, WS_SUBPROTOCOL } from '@pulselog/shared';
import WebSocket from 'ws';
import { linesFrame } from '../batch/packed.js';
import { Hub } from './hub.js';
import type { HubOptions } from './messages.js';
import { type DashboardServer, startServer } from './server.js';

/** Test helpers for the hub: a real server on a loopback port and real `ws` clients. */

export const TOKEN = 'test-token-0123456789abcdef';

/** A session as the logger would describe it. */
export function testSession(id = 'test-1'): SessionInfo {
  return {
    id,
    name: 'test',
    pid: process.pid,
    host: 'localhost',
    startedAt: Date.now(),
    versions: { pulselog: '0.0.0', node: process.version, protocol: 1 },
  };
}

/** A chunk of records `first..last`, each line as the logger encodes it. */
export function chunk(first: number, last: number, skip: (seq: number) => boolean = () => false) {
  let lines = '';
  let count = 0;
  for (let seq = first; seq <= last; seq++) {
    if (skip(seq)) continue;
    lines += `{"seq":${seq},"ts":1,"level":"info","msg":"m${seq}"}\n`;
    count++;
  }
  return { firstSeq: first, lastSeq: last, count, lines, frame: linesFrame(lines) };
}

/** A hub and its server on a free loopback port, serving a small static folder. */
export interface TestHub {
  hub: Hub;
  server: DashboardServer;
  origin: string;
  staticDir: string;
  close(): Promise<void>;
}

/** Starts a hub with the given replay bounds. */
export async function startTestHub(maxRecords = 1_000_000, maxBytes = 256 << 20): Promise<TestHub> {
  const staticDir = mkdtempSync(join(tmpdir(), 'pulselog-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>pulselog</title>');
  const options: HubOptions = {
    host: '127.0.0.1',
    port: 0,
    portRange: 0,
    token: TOKEN,
    staticDir,
    session: testSession(),
    otlpMaxBytes: 1 << 20,
    maxRecords,
    maxBytes,
  };
  const hub = new Hub(options.session, maxRecords, maxBytes);
  const server = await startServer(options, hub);
  return {
    hub,
    server,
    staticDir,
    origin: `http://127.0.0.1:${server.port}`,
    close: () => server.close(),
  };
}

/** A raw dashboard client that keeps every message it receives. */
export interface TestClient {
  ws: WebSocket;
  messages: ServerMessage[];
  /** Sequence numbers of every record received, in arrival order. */
  seqs: number[];
  closed: Promise<{ code: number; reason: string }>;
  /** Resolves once `check` holds for what has arrived. */
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
}

/** Connects like the dashboard page does; `resume` is sent after `hello` unless it is `null`. */
export function connect(
  origin: string,
  options: { token?: string; origin?: string; resume?: { sessionId?: string; lastSeq: number } | null } = {},
): TestClient {
  const token = options.token ?? TOKEN;
  const ws = new WebSocket(`${origin.replace('http', 'ws')}${WS_PATH}?token=${token}`, WS_SUBPROTOCOL, {
    origin: options.origin ?? origin,
  });
  const messages: ServerMessage[] = [];
  const seqs: number[] = [];
  ws.on('message', (data) => {
    const parsed = parseServerMessage(data.toString());
    if (!parsed.ok) throw new Error(`the server sent a malformed message: ${parsed.reason}`);
    const message = parsed.value;
    messages.push(message);
    if (message.type === 'batch') for (const record of message.records) seqs.push(record.seq);
    if (message.type === 'hello' && options.resume !== null) {
      ws.send(JSON.stringify({ type: 'resume', lastSeq: 0, ...options.resume }));
    }
  });
  ws.on('error', () => {});
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  return {
    ws,
    messages,
    seqs,
    closed,
    until(check, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = () => {
          if (check()) return resolve();
          if (Date.now() > deadline) return reject(new Error(`timed out; got ${messages.length} messages`));
          setTimeout(poll, 5);
        };
        poll();
      });
    },
  };
}

/** An HTTP GET with exactly the given path and headers, as a hostile client could send it. */
export function rawGet(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { Host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
