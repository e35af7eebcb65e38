import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type HubStats,
  type LogRecord,
  parseServerMessage,
  type SessionInfo,
  WS_PATH,
  WS_SUBPROTOCOL,
} from '@pulselog/shared';
import WebSocket from 'ws';
import type { SessionVisitor } from './session-reader.js';

/**
 * The project's running dashboard, read as a tab reads it: found on the
 * project's port with the project's token, its records taken from the hub's
 * replay over the WebSocket. For a session that is being recorded the file
 * says the same (the pipeline writes it first); this is how a session with no
 * recording (`sessionDir: false`) is read.
 */

/** A dashboard that answered. */
export interface LiveDashboard {
  /** `http://127.0.0.1:PORT`, its own origin. */
  origin: string;
  token: string;
  session: SessionInfo;
  stats: HubStats;
}

/** How long a dashboard may take to answer before it is taken for absent. */
const ASK_MS = 1000;
/** How long reading a live session's records may take at most. */
const READ_MS = 30_000;

/** The token `.pulselog/token` holds, without making one (a tool must not create project files). */
function storedToken(projectDir: string): string | undefined {
  try {
    return readFileSync(join(projectDir, '.pulselog', 'token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

async function ask<T>(origin: string, token: string, path: string): Promise<T> {
  const res = await fetch(`${origin}${path}`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(ASK_MS),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

/**
 * The dashboard serving this project on `port` (loopback), or `undefined`
 * when none answers with the project's token.
 */
export async function findLiveDashboard(
  projectDir: string,
  port: number,
  token = storedToken(projectDir),
): Promise<LiveDashboard | undefined> {
  if (!token || port <= 0) return undefined;
  const origin = `http://127.0.0.1:${port}`;
  try {
    const [session, stats] = await Promise.all([
      ask<SessionInfo>(origin, token, '/api/session'),
      ask<HubStats>(origin, token, '/api/health'),
    ]);
    if (typeof session?.id !== 'string') return undefined;
    return { origin, token, session, stats };
  } catch {
    return undefined;
  }
}

/**
 * Reads the live session's records from the start of the hub's replay up to
 * the newest one it held when reading began, handing each to `visitor`
 * (which may stop it by returning `false`).
 */
export function readLiveSession(live: LiveDashboard, visitor: SessionVisitor): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${live.origin.replace('http', 'ws')}${WS_PATH}`, WS_SUBPROTOCOL, {
      origin: live.origin,
      headers: { Authorization: `Bearer ${live.token}` },
      perMessageDeflate: false,
    });
    let target = 0;
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.close();
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(
      () => finish(new Error(`the dashboard at ${live.origin} did not send its records in time`)),
      READ_MS,
    );
    ws.on('error', (err) => finish(err));
    ws.on('close', () => finish());
    ws.on('message', (data) => {
      const parsed = parseServerMessage(data.toString());
      if (!parsed.ok) return finish(new Error(`the dashboard sent a malformed message: ${parsed.reason}`));
      const message = parsed.value;
      switch (message.type) {
        case 'hello':
          visitor.header?.(message.session);
          target = message.lastSeq;
          ws.send(JSON.stringify({ type: 'resume', lastSeq: 0 }));
          if (target === 0) finish();
          return;
        case 'batch':
          for (const record of message.records as LogRecord[]) {
            if (visitor.record?.(record) === false || record.seq >= target) return finish();
          }
          return;
        case 'checkpoint':
          if (message.op === 'delete') visitor.checkpoint?.({ name: message.name, data: null, ts: 0 }, 'delete');
          else visitor.checkpoint?.({ ...message.checkpoint, data: null }, 'upsert');
          return;
        case 'gap':
          visitor.other?.({ ...message });
          if (message.to >= target) finish();
          return;
        case 'end':
          visitor.other?.({ ...message });
          return finish();
        case 'health':
        case 'profile':
          visitor.other?.({ ...message });
          return;
        default:
          return;
      }
    });
  });
}
