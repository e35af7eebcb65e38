import {
  type CheckpointMessage,
  type EndMessage,
  type HelloMessage,
  type HubStats,
  PROTOCOL_VERSION,
  parseClientMessage,
  type SessionInfo,
} from '@pulselog/shared';
import type { WebSocket } from 'ws';
import { batchMessage, type Chunk, ReplayBuffer } from './replay.js';

/** Unsent bytes a client may have queued before it is paused and caught up later. */
const CLIENT_BUFFER_CAP = 4 * 1024 * 1024;
/** Bytes of replay sent to one client per pump, so one slow tab cannot monopolise the hub. */
const PUMP_SLICE = 1024 * 1024;
/** A client that has not said where it stands within this time is closed. */
const RESUME_TIMEOUT_MS = 10_000;

interface Client {
  ws: WebSocket;
  /** Last seq sent to this client; undefined until it has sent `resume`. */
  sentSeq: number | undefined;
  endSent: boolean;
  resumeTimer: NodeJS.Timeout | undefined;
}

/**
 * Fans records out to dashboard clients. Every client reads from the one
 * replay buffer at its own pace: a client keeps receiving while its socket
 * buffer is under the cap, and one that falls behind is caught up from the
 * buffer later, or told of a gap, so the hub's memory stays bounded by the
 * buffer and the per-client cap whatever the clients do.
 */
export class Hub {
  private readonly clients = new Set<Client>();
  private readonly replay: ReplayBuffer;
  private readonly checkpoints = new Map<string, string>();
  private readonly startedAt = Date.now();
  private end: string | undefined;
  private received = 0;
  private sent = 0;
  private dropped = 0;
  private pumpTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly session: SessionInfo,
    maxRecords: number,
    maxBytes: number,
  ) {
    this.replay = new ReplayBuffer(maxRecords, maxBytes);
  }

  /** Adds a connected, already authorised socket. */
  add(ws: WebSocket): void {
    const client: Client = { ws, sentSeq: undefined, endSent: false, resumeTimer: undefined };
    this.clients.add(client);
    client.resumeTimer = setTimeout(() => ws.close(1008, 'no resume message'), RESUME_TIMEOUT_MS);
    client.resumeTimer.unref();
    ws.on('message', (data, isBinary) => this.onMessage(client, data.toString(), isBinary));
    ws.on('close', () => this.remove(client));
    ws.on('error', () => this.remove(client));
    const hello: HelloMessage = {
      type: 'hello',
      protocol: PROTOCOL_VERSION,
      session: this.session,
      lastSeq: this.replay.lastSeq,
    };
    ws.send(JSON.stringify(hello));
  }

  private remove(client: Client): void {
    clearTimeout(client.resumeTimer);
    this.clients.delete(client);
  }

  private onMessage(client: Client, raw: string, isBinary: boolean): void {
    const parsed = isBinary
      ? { ok: false as const, reason: 'binary messages are not accepted' }
      : parseClientMessage(raw);
    if (!parsed.ok) {
      client.ws.close(1008, parsed.reason);
      return;
    }
    clearTimeout(client.resumeTimer);
    const { sessionId, lastSeq } = parsed.value;
    // Records from another session (an earlier run) are no use: start from the beginning.
    client.sentSeq = sessionId === this.session.id ? Math.min(lastSeq, this.replay.lastSeq) : 0;
    for (const message of this.checkpoints.values()) client.ws.send(message);
    this.pump(client);
  }

  /** Takes a chunk of records from the logger and sends it on to clients. */
  append(chunk: Chunk): void {
    this.received += chunk.count;
    this.replay.append(chunk);
    for (const client of this.clients) this.pump(client);
  }

  /** Stores and forwards a checkpoint change. */
  checkpoint(message: CheckpointMessage): void {
    const text = JSON.stringify(message);
    const name = message.op === 'upsert' ? message.checkpoint.name : message.name;
    if (message.op === 'upsert') this.checkpoints.set(name, text);
    else this.checkpoints.delete(name);
    for (const client of this.clients) if (client.sentSeq !== undefined) client.ws.send(text);
  }

  /** Notes records the logger dropped, and tells live clients. */
  noteDropped(from: number, to: number, count: number): void {
    this.dropped += count;
    const text = JSON.stringify({ type: 'gap', from, to, reason: 'dropped', count });
    for (const client of this.clients) if (client.sentSeq !== undefined) client.ws.send(text);
  }

  /** Marks the session ended; each client gets `end` once it has every record. */
  finish(message: EndMessage): void {
    this.end = JSON.stringify(message);
    for (const client of this.clients) this.pump(client);
  }

  /** True when every connected client has received every record (and `end`, once there is one). */
  allDelivered(): boolean {
    for (const client of this.clients) {
      if (client.sentSeq === undefined || client.sentSeq < this.replay.lastSeq) return false;
      if (this.end && !client.endSent) return false;
    }
    return true;
  }

  /** Number of clients that have subscribed. */
  subscribers(): number {
    let n = 0;
    for (const client of this.clients) if (client.sentSeq !== undefined) n++;
    return n;
  }

  /** The hub's counters. */
  stats(): HubStats {
    const usage = this.replay.usage();
    return {
      clients: this.clients.size,
      received: this.received,
      sent: this.sent,
      dropped: this.dropped,
      replay: { ...usage, maxRecords: this.replay.maxRecords, maxBytes: this.replay.maxBytes },
      uptimeMs: Date.now() - this.startedAt,
    };
  }

  /** Sends stats to every subscribed client. */
  broadcastStats(): void {
    const text = JSON.stringify({ type: 'stats', stats: this.stats() });
    for (const client of this.clients) if (client.sentSeq !== undefined) client.ws.send(text);
  }

  /** Sends a client what it lacks, as far as its buffer cap allows, and schedules the rest. */
  private pump(client: Client): void {
    if (client.sentSeq === undefined || client.ws.readyState !== client.ws.OPEN) return;
    while (client.ws.bufferedAmount < CLIENT_BUFFER_CAP && client.sentSeq < this.replay.lastSeq) {
      const items = this.replay.read(client.sentSeq, PUMP_SLICE);
      if (items.length === 0) break;
      for (const item of items) {
        if (item.kind === 'gap') {
          const count = item.to - item.from + 1;
          client.ws.send(JSON.stringify({ type: 'gap', from: item.from, to: item.to, reason: 'evicted', count }));
          client.sentSeq = item.to;
        } else {
          client.ws.send(batchMessage(item.lines));
          this.sent += countLines(item.lines);
          client.sentSeq = item.lastSeq;
        }
      }
    }
    if (client.sentSeq < this.replay.lastSeq) this.schedulePump();
    else if (this.end && !client.endSent) {
      client.ws.send(this.end);
      client.endSent = true;
    }
  }

  private schedulePump(): void {
    if (this.pumpTimer) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      for (const client of this.clients) this.pump(client);
    }, 20);
  }

  /** Closes every client connection. */
  closeAll(code = 1001, reason = 'session ended'): void {
    clearTimeout(this.pumpTimer);
    for (const client of this.clients) client.ws.close(code, reason);
  }
}

function countLines(lines: string): number {
  let n = 0;
  for (let i = lines.indexOf('\n'); i >= 0; i = lines.indexOf('\n', i + 1)) n++;
  return n;
}
