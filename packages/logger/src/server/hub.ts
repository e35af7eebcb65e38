import { getHeapStatistics } from 'node:v8';
import {
  type CheckpointMessage,
  type CheckpointStoreStatus,
  type EndMessage,
  type GapMessage,
  type HealthMessage,
  type HelloMessage,
  type HubStats,
  type OtlpStats,
  type OutputStatus,
  PROTOCOL_VERSION,
  type ProfileMessage,
  parseClientMessage,
  type SessionFileStatus,
  type SessionInfo,
  type SourceCounts,
} from '@pulselog/shared';
import type { WebSocket } from 'ws';
import { type Client, closeGracefully, newClient, overCap, send, stalled } from './client.js';
import { type Drop, DropLog, noneWillCome } from './drops.js';
import { InsightShelf } from './insight.js';
import { type Chunk, joinFrames, ReplayBuffer, type ReplayItem } from './replay.js';
import { CheckpointShelf } from './shelf.js';

/** Bytes of replay sent to one client per pump, so one slow tab cannot monopolise the hub. */
const PUMP_SLICE = 1024 * 1024;
/** Largest frame joined from chunks: a tab parses a frame in one task, which this keeps to a few milliseconds. */
const FRAME_BYTES = 256 * 1024;
/**
 * How often clients held back by their buffer cap are looked at again, and
 * the shortest time between two pumps as records arrive: chunks arriving
 * faster than that go out together, in fewer and larger frames (each frame
 * costs a tab a message, an event and a parse of its own).
 */
const PUMP_RETRY_MS = 20;
/** A client that has not said where it stands within this time is closed. */
const RESUME_TIMEOUT_MS = 10_000;

/** What the hub tells its owner about clients. */
export interface HubEvents {
  /** A client said where it stands and now receives records. */
  subscribed?(clients: number): void;
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
  private readonly drops = new DropLog();
  private readonly checkpoints = new CheckpointShelf();
  private readonly insight = new InsightShelf();
  private readonly startedAt = Date.now();
  private end: string | undefined;
  private received = 0;
  private sent = 0;
  private refused = 0;
  private pumpTimer: NodeJS.Timeout | undefined;
  /** When every client was last pumped as records arrived (`performance.now()`). */
  private pumpedAt = Number.NEGATIVE_INFINITY;
  private outputs: OutputStatus[] | undefined;
  private sessionFile: SessionFileStatus | undefined;
  private checkpointStore: CheckpointStoreStatus | undefined;
  private otlp: OtlpStats | undefined;
  private sources: (() => SourceCounts) | undefined;

  constructor(
    private readonly session: SessionInfo,
    maxRecords: number,
    maxBytes: number,
    private readonly events: HubEvents = {},
  ) {
    this.replay = new ReplayBuffer(maxRecords, maxBytes);
  }

  /** Highest sequence number received from the logger. */
  get lastSeq(): number {
    return this.replay.lastSeq;
  }

  /** Adds a connected, already authorised socket. */
  add(ws: WebSocket): void {
    const client = newClient(ws);
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
      firstSeq: this.replay.usage().firstSeq,
    };
    send(client, JSON.stringify(hello));
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
    if (client.sentSeq !== undefined) {
      client.ws.close(1008, 'resume may be sent once');
      return;
    }
    clearTimeout(client.resumeTimer);
    const { sessionId, lastSeq } = parsed.value;
    // Records from another session (an earlier run) are no use: start from the beginning.
    const from = sessionId === this.session.id ? Math.min(lastSeq, this.replay.lastSeq) : 0;
    client.sentSeq = from;
    client.dropIndex = this.drops.indexAfter(from);
    for (const summary of this.checkpoints.summaries()) send(client, summary);
    for (const text of this.insight.messages()) send(client, text);
    this.events.subscribed?.(this.subscribers());
    this.pump(client);
  }

  /** Takes a chunk of records from the logger and sends it on to clients. */
  append(chunk: Chunk): void {
    this.received += chunk.count;
    this.replay.append(chunk);
    this.drops.forget(this.replay.evictedThrough);
    // The first chunk after a pause goes out at once; the ones that follow it closely wait to go together.
    if (performance.now() - this.pumpedAt < PUMP_RETRY_MS) {
      this.schedulePump();
      return;
    }
    this.pumpedAt = performance.now();
    for (const client of this.clients) this.pump(client);
  }

  /** Keeps how saving checkpoints goes, for stats. */
  noteCheckpointStore(status: CheckpointStoreStatus): void {
    this.checkpointStore = status;
  }

  /** Keeps how the session file's writing goes, for stats. */
  noteSessionFile(status: SessionFileStatus): void {
    this.sessionFile = status;
  }

  /** Keeps the logger's output counters, for stats. */
  noteOutputs(outputs: OutputStatus[]): void {
    this.outputs = outputs;
  }

  /** Reports `counters` in `stats()` from now on; their owner, the OTLP receiver, keeps them current. */
  reportOtlp(counters: OtlpStats): void {
    this.otlp = counters;
  }

  /** Reports the joined sources in `stats()` from now on, as `counts` gives them (the join receiver). */
  reportSources(counts: () => SourceCounts): void {
    this.sources = counts;
  }

  /** Counts a request refused at the door, for stats. */
  noteRefused(): void {
    this.refused++;
  }

  /**
   * Stores a checkpoint change and forwards it to tabs: a save as its
   * summary (tabs fetch the data with `checkpointData`), so that what the
   * hub holds and sends stays small however many and large the checkpoints.
   */
  checkpoint(message: CheckpointMessage): void {
    const { name, text } = this.checkpoints.take(message);
    for (const client of this.clients) {
      if (client.sentSeq === undefined) continue;
      // Records waiting to go out together (see `append`) go first: the checkpoint came after them.
      this.pump(client);
      // A client over its cap gets only the latest state of each checkpoint, later.
      if (overCap(client)) client.staleCheckpoints.add(name);
      else send(client, text);
    }
  }

  /** Keeps a health sample (`text` is its message) and sends it to every subscribed client. */
  health(text: string, message: HealthMessage): void {
    this.insight.addHealth(message.samples);
    this.sendInsight(text);
  }

  /** Keeps a profile chunk (`text` is its message) and sends it to every subscribed client. */
  profile(text: string, message: ProfileMessage): void {
    this.insight.addProfile(text, message);
    this.sendInsight(text);
  }

  private sendInsight(text: string): void {
    for (const client of this.clients) {
      // Sent even to a client over its cap: a later profile chunk refers to this one's stacks; both are small.
      if (client.sentSeq === undefined || client.endSent) continue;
      this.pump(client);
      send(client, text);
    }
  }

  /** The data of a checkpoint as `{"name":…,"ts":…,"data":…}` in UTF-8, or `undefined` when there is none. */
  checkpointData(name: string): Buffer | undefined {
    return this.checkpoints.read(name);
  }

  /** Sends a caught-up client the checkpoints that changed while it was held back. */
  private sendStaleCheckpoints(client: Client): void {
    for (const name of client.staleCheckpoints) {
      const delete_: CheckpointMessage = { type: 'checkpoint', op: 'delete', name };
      send(client, this.checkpoints.summary(name) ?? JSON.stringify(delete_));
    }
    client.staleCheckpoints.clear();
  }

  /**
   * Notes records the logger dropped. Each client learns of them as a
   * `dropped` gap once it holds every record before the range, so a client
   * that connects later or catches up from the buffer hears of them too.
   */
  noteDropped(from: number, to: number, count: number): void {
    this.drops.add({ from, to, count });
    for (const client of this.clients) this.pump(client);
  }

  /** Notes records the pipeline passed the dashboard over for (see `HubFeed`); clients get a `skipped` gap the same way. */
  noteSkipped(from: number, to: number, count: number): void {
    this.drops.add({ from, to, count, reason: 'skipped' });
    for (const client of this.clients) this.pump(client);
  }

  /** Marks the session ended; each client gets `end` once it has every record. */
  finish(message: EndMessage): void {
    this.end = JSON.stringify(message);
    for (const client of this.clients) this.pump(client);
  }

  /** True when every connected client has received every record (and `end`, once there is one); a stalled client is not waited for. */
  allDelivered(): boolean {
    for (const client of this.clients) {
      if (stalled(client)) continue;
      if (!this.caughtUp(client)) return false;
      if (this.end && !client.endSent) return false;
    }
    return true;
  }

  /** True when at least one client holds every record, its socket buffer emptied. */
  someClientHasAll(): boolean {
    for (const client of this.clients) if (this.caughtUp(client)) return true;
    return false;
  }

  private caughtUp(client: Client): boolean {
    return (
      client.sentSeq !== undefined &&
      client.sentSeq >= this.replay.lastSeq &&
      client.dropIndex >= this.drops.end &&
      client.ws.bufferedAmount === 0
    );
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
    let buffered = 0;
    let paused = 0;
    for (const client of this.clients) {
      // Looked at once a second, so that a stall is known by the time the session ends.
      stalled(client);
      buffered += client.ws.bufferedAmount;
      if (client.sentSeq !== undefined && client.sentSeq < this.replay.lastSeq) paused++;
    }
    const heap = getHeapStatistics();
    const stats: HubStats = {
      clients: this.clients.size,
      received: this.received,
      sent: this.sent,
      dropped: this.drops.total,
      skipped: this.drops.skipped,
      replay: { ...usage, maxRecords: this.replay.maxRecords, maxBytes: this.replay.maxBytes },
      uptimeMs: Date.now() - this.startedAt,
      refused: this.refused,
      buffered,
      paused,
      memory: { heapUsed: heap.used_heap_size, heapLimit: heap.heap_size_limit, external: heap.external_memory },
    };
    if (this.outputs !== undefined) stats.outputs = this.outputs;
    if (this.sessionFile !== undefined) stats.sessionFile = this.sessionFile;
    if (this.checkpointStore !== undefined) stats.checkpointStore = this.checkpointStore;
    if (this.otlp !== undefined) stats.otlp = { ...this.otlp };
    if (this.sources !== undefined) stats.sources = this.sources();
    return stats;
  }

  /** Sends stats to every subscribed client. */
  broadcastStats(): void {
    const text = JSON.stringify({ type: 'stats', stats: this.stats() });
    for (const client of this.clients) {
      // A held-back client skips a tick rather than queue counters it would read late.
      if (client.sentSeq === undefined || client.endSent || overCap(client)) continue;
      send(client, text);
    }
  }

  /** Sends a client what it lacks, as far as its buffer cap allows, and schedules the rest. */
  private pump(client: Client): void {
    if (client.sentSeq === undefined || client.ws.readyState !== client.ws.OPEN) return;
    this.sendDrops(client);
    while (!overCap(client) && client.sentSeq < this.replay.lastSeq) {
      const items = this.replay.read(client.sentSeq, PUMP_SLICE);
      if (items.length === 0) break;
      for (let i = 0; i < items.length; i++) {
        const item = items[i] as ReplayItem;
        if (item.kind === 'gap') {
          send(client, gapMessage({ from: item.from, to: item.to, count: item.to - item.from + 1 }, 'evicted'));
          client.sentSeq = item.to;
          client.dropIndex = Math.max(client.dropIndex, this.drops.indexAfter(item.to));
          this.sendDrops(client);
          continue;
        }
        // Consecutive chunks go as one frame, up to where a drop note is due (it must come between them).
        const frames = [item.frame];
        let last = item;
        let count = item.count;
        let bytes = item.frame.length;
        while (!this.dropDue(client, last.lastSeq)) {
          const next = items[i + 1];
          if (next?.kind !== 'records' || bytes + next.frame.length > FRAME_BYTES) break;
          frames.push(next.frame);
          count += next.count;
          bytes += next.frame.length;
          last = next;
          i++;
        }
        send(client, joinFrames(frames), { binary: false });
        this.sent += count;
        client.sentSeq = last.lastSeq;
        this.sendDrops(client);
      }
    }
    if (client.staleCheckpoints.size > 0 && !overCap(client)) {
      this.sendStaleCheckpoints(client);
    }
    if (client.sentSeq < this.replay.lastSeq || client.staleCheckpoints.size > 0) this.schedulePump();
    else if (this.end && !client.endSent && client.dropIndex >= this.drops.end) {
      send(client, this.end);
      client.endSent = true;
    }
  }

  /** True when a client standing at `seq` is due a drop note. */
  private dropDue(client: Client, seq: number): boolean {
    return client.dropIndex < this.drops.end && this.drops.due(client.dropIndex, seq).drops.length > 0;
  }

  /** Sends the drop notes a client is due now that it holds every record before them. */
  private sendDrops(client: Client): void {
    if (client.dropIndex >= this.drops.end) return;
    const { drops, next } = this.drops.due(client.dropIndex, client.sentSeq ?? 0);
    for (const drop of drops) {
      send(client, gapMessage(drop, drop.reason ?? 'dropped'));
      // No record of such a range will come: the client stands at its end, so the next range is due too.
      if (noneWillCome(drop)) client.sentSeq = Math.max(client.sentSeq ?? 0, drop.to);
    }
    client.dropIndex = next;
  }

  private schedulePump(): void {
    if (this.pumpTimer) return;
    this.pumpTimer = setTimeout(() => {
      this.pumpTimer = undefined;
      this.pumpedAt = performance.now();
      for (const client of this.clients) this.pump(client);
    }, PUMP_RETRY_MS);
    this.pumpTimer.unref();
  }

  /** Closes every client connection gracefully; see `closeGracefully`. */
  async closeAll(graceMs: number, code = 1001, reason = 'session ended'): Promise<void> {
    clearTimeout(this.pumpTimer);
    await closeGracefully(this.clients, graceMs, code, reason);
    this.checkpoints.close();
  }
}

function gapMessage(drop: Drop, reason: GapMessage['reason']): string {
  const message: GapMessage = { type: 'gap', from: drop.from, to: drop.to, reason, count: drop.count };
  return JSON.stringify(message);
}
