import { type GapMessage, type HubStats, parseServerMessage, type ServerMessage } from '@pulselog/shared';
import WebSocket from 'ws';

/** The parts of a printed dashboard URL a raw client needs. */
export interface DashboardAddress {
  /** `http://host:port`, the dashboard's own origin. */
  origin: string;
  port: number;
  token: string;
}

/** Splits `http://127.0.0.1:PORT/#token=…` into origin, port and token. */
export function parseDashboardUrl(url: string): DashboardAddress {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  return { origin: parsed.origin, port: Number(parsed.port), token };
}

/** `GET /api/health` with the token. */
export async function health(address: DashboardAddress): Promise<HubStats & { ok: boolean }> {
  const res = await fetch(`${address.origin}/api/health`, { headers: { Authorization: `Bearer ${address.token}` } });
  if (!res.ok) throw new Error(`health: ${res.status}`);
  return (await res.json()) as HubStats & { ok: boolean };
}

/** A raw WebSocket client speaking the dashboard protocol, counting what it gets without keeping records. */
export interface RawClient {
  ws: WebSocket;
  /** Every message but batches, in order. */
  others: ServerMessage[];
  /** Records received. */
  records: number;
  /** Highest seq received. */
  lastSeq: number;
  /** Records that arrived out of order or twice. */
  disorder: number;
  /** Explicit gaps received. */
  gaps: GapMessage[];
  ended: boolean;
  /** Resolves once `check` holds. */
  until(check: () => boolean, timeoutMs?: number): Promise<void>;
}

/** Connects to a running script's dashboard as its own page would, and subscribes from the start. */
export function rawClient(address: DashboardAddress): RawClient {
  const ws = new WebSocket(`${address.origin.replace('http', 'ws')}/ws?token=${address.token}`, 'pulselog.v1', {
    origin: address.origin,
    perMessageDeflate: false,
  });
  const client: RawClient = {
    ws,
    others: [],
    records: 0,
    lastSeq: 0,
    disorder: 0,
    gaps: [],
    ended: false,
    until(check, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const poll = () => {
          if (check()) return resolve();
          if (Date.now() > deadline) {
            return reject(new Error(`timed out with ${client.records} records, last seq ${client.lastSeq}`));
          }
          setTimeout(poll, 10);
        };
        poll();
      });
    },
  };
  ws.on('error', () => {});
  ws.on('message', (data) => {
    const parsed = parseServerMessage(data.toString());
    if (!parsed.ok) throw new Error(`the server sent a malformed message: ${parsed.reason}`);
    const message = parsed.value;
    if (message.type === 'batch') {
      for (const record of message.records) {
        if (record.seq <= client.lastSeq) client.disorder++;
        client.lastSeq = record.seq;
        client.records++;
      }
      return;
    }
    client.others.push(message);
    if (message.type === 'hello') ws.send(JSON.stringify({ type: 'resume', lastSeq: 0 }));
    if (message.type === 'gap') {
      client.gaps.push(message);
      if (message.reason === 'evicted') client.lastSeq = Math.max(client.lastSeq, message.to);
    }
    if (message.type === 'end') client.ended = true;
  });
  return client;
}
