import WebSocket from 'ws';
import type { Consumer } from '../pipeline/consumer.js';
import type { LineBatch } from '../pipeline/line-batch.js';
import { joinUrl, parseJoinAddress } from './address.js';
import type { JoinAck, JoinHello } from './protocol.js';

/**
 * Slots of `JoinFeedData.progress`: characters of record lines the dashboard
 * acknowledged (wrapping at 2^32, as the pipeline's `fed` counter), and
 * records that could not be delivered because the dashboard could not be
 * reached or went away.
 */
export const JOIN_PROGRESS = { acked: 0, lost: 1 } as const;
/** Slots of `JoinFeedData.progress` in all. */
export const JOIN_PROGRESS_SLOTS = 2;

/** How long a joiner keeps trying to reach the dashboard: a parent's hub may still be starting when its child is. */
const CONNECT_WAIT_MS = 10_000;
const CONNECT_RETRY_MS = 50;

/** What the pipeline thread of a joining logger is started with. */
export interface JoinFeedData {
  /** The join address (`PULSELOG_JOIN`'s form). */
  address: string;
  /** Who this logger is. */
  hello: JoinHello;
  /** Shared counters (`JOIN_PROGRESS`), read by the logging thread. */
  progress: SharedArrayBuffer;
}

/** A message sent and not yet acknowledged. */
interface Unacked {
  chars: number;
  records: number;
}

/**
 * The dashboard of another process or thread as a consumer of this logger's
 * pipeline: takes the place of the session file and the hub. Batches leave as
 * the text of their lines over one WebSocket; the dashboard acknowledges each
 * once it has handed it on, and `whenAcked` (a `flush()`) waits for that, so
 * a process killed after `flush()` has lost nothing. Until acknowledged,
 * characters count as the hub's backlog does, and past `maxBehind` the
 * logging thread keeps records in its queues.
 */
export class JoinSender implements Consumer {
  /** Characters of record lines sent, wrapping like the pipeline's `fed` counter. */
  fed = 0;
  private readonly progress: Int32Array;
  private readonly url: string;
  private readonly token: string;
  private ws: WebSocket | undefined;
  private state: 'connecting' | 'open' | 'failed' | 'closed' = 'connecting';
  private readonly startedAt = Date.now();
  /** Messages waiting for the connection to open. */
  private readonly waiting: { text: string; unacked: Unacked }[] = [];
  private readonly unacked: Unacked[] = [];
  private unackedHead = 0;
  private acked = 0;
  private idle: (() => void)[] = [];

  /** `failed`: said once, with the reason, when the dashboard cannot be reached or goes away. */
  constructor(
    private readonly data: JoinFeedData,
    private readonly failed: (message: string) => void,
  ) {
    this.progress = new Int32Array(data.progress);
    const address = parseJoinAddress(data.address);
    this.url = joinUrl(address);
    this.token = address.token;
    this.connect();
  }

  private connect(): void {
    const ws = new WebSocket(this.url, {
      headers: { Authorization: `Bearer ${this.token}` },
      perMessageDeflate: false,
      maxPayload: 64 * 1024,
    });
    this.ws = ws;
    ws.on('open', () => {
      this.state = 'open';
      ws.send(JSON.stringify(this.data.hello));
      for (const { text, unacked } of this.waiting.splice(0)) this.transmit(text, unacked);
    });
    ws.on('message', (raw) => this.onAck(raw.toString()));
    ws.on('error', (err: NodeJS.ErrnoException) => {
      // Only a socket not yet there, or not yet listening, is worth waiting for: a refusal is final.
      const early = err.code === 'ENOENT' || err.code === 'ECONNREFUSED';
      if (this.state === 'connecting' && early && Date.now() - this.startedAt < CONNECT_WAIT_MS) {
        ws.removeAllListeners('close');
        setTimeout(() => this.connect(), CONNECT_RETRY_MS).unref();
      } else this.fail(err.message);
    });
    ws.on('close', (code, reason) => {
      if (this.state !== 'closed') this.fail(`it closed the connection (${code}${reason.length ? `: ${reason}` : ''})`);
    });
  }

  private onAck(text: string): void {
    let ack: JoinAck;
    try {
      ack = JSON.parse(text) as JoinAck;
    } catch {
      return;
    }
    if (ack.type !== 'ack' || typeof ack.messages !== 'number') return;
    while (this.acked < ack.messages && this.unackedHead < this.unacked.length) {
      const done = this.unacked[this.unackedHead++] as Unacked;
      this.acked++;
      Atomics.add(this.progress, JOIN_PROGRESS.acked, done.chars);
    }
    if (this.unackedHead > 1024 || this.unackedHead === this.unacked.length) {
      this.unacked.splice(0, this.unackedHead);
      this.unackedHead = 0;
    }
    if (this.settled()) for (const resolve of this.idle.splice(0)) resolve();
  }

  take(batch: LineBatch): void {
    this.send(batch.text, { chars: batch.text.length, records: batch.count });
  }

  /** Passes on the joiner's drop notes; its checkpoints and its end stay its own. */
  line(text: string): void {
    if (text.startsWith('{"type":"gap"')) this.send(text, { chars: 0, records: 0 });
  }

  private send(text: string, unacked: Unacked): void {
    this.fed = (this.fed + unacked.chars) | 0;
    if (this.state === 'open') this.transmit(text, unacked);
    else if (this.state === 'connecting') this.waiting.push({ text, unacked });
    else this.lose(unacked);
  }

  private transmit(text: string, unacked: Unacked): void {
    this.unacked.push(unacked);
    this.ws?.send(text);
  }

  private lose(unacked: Unacked): void {
    Atomics.add(this.progress, JOIN_PROGRESS.lost, unacked.records);
    // Counted as taken, so the logging thread does not wait on records that cannot go anywhere.
    Atomics.add(this.progress, JOIN_PROGRESS.acked, unacked.chars);
  }

  private fail(reason: string): void {
    if (this.state === 'failed' || this.state === 'closed') return;
    this.state = 'failed';
    let records = 0;
    const pending = [...this.unacked.slice(this.unackedHead), ...this.waiting.map((w) => w.unacked)];
    for (const unacked of pending) {
      records += unacked.records;
      this.lose(unacked);
    }
    this.unacked.length = 0;
    this.unackedHead = 0;
    this.waiting.length = 0;
    this.failed(
      `could not send records to the dashboard at ${this.data.address.replace(/#.*/, '')} (${reason}); ${records} record(s) in passage and every later one are counted as undelivered in stats()`,
    );
    for (const resolve of this.idle.splice(0)) resolve();
  }

  private settled(): boolean {
    return this.waiting.length === 0 && this.unackedHead === this.unacked.length;
  }

  /** Resolves true once the dashboard has acknowledged everything sent, false if it failed or `timeoutMs` passed. */
  async whenAcked(timeoutMs: number): Promise<boolean> {
    if (!this.settled() && this.state !== 'failed') {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idle.push(resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    return this.settled() && this.state !== 'failed';
  }

  /** Waits for the last acknowledgements (at most `timeoutMs`), then says goodbye. */
  async close(timeoutMs: number): Promise<void> {
    await this.whenAcked(timeoutMs);
    if (this.state === 'open') {
      this.state = 'closed';
      this.ws?.close(1000, 'end');
    } else if (this.state === 'connecting') {
      this.fail('the session ended before it could be reached');
    }
  }
}
