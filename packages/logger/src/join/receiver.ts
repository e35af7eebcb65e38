import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SourceCounts } from '@pulselog/shared';
import { type WebSocket, WebSocketServer } from 'ws';
import { JOIN_PATH } from './address.js';
import { type Released, TimeOrder } from './order.js';
import {
  dropNoteTail,
  type JoinAck,
  joinedRecords,
  MAX_JOIN_MESSAGE_BYTES,
  parseJoinHello,
  sourceName,
} from './protocol.js';

/** Close code for a joiner whose messages do not follow the join protocol. */
const CLOSE_PROTOCOL = 1008;
/** How often a paused joiner is looked at again while the logger is behind. */
const RESUME_POLL_MS = 20;
/**
 * How long past its time a joined record waits for records of other sources
 * to put it in order with: a joiner sends its batches every 10 ms or so.
 */
const ORDER_WINDOW_MS = 50;
/** Longest a record waits after it arrived, whatever its time says (a clock running ahead). */
const MAX_HOLD_MS = 250;
/** How often held records are looked at for release. */
const ORDER_TICK_MS = 10;

/** Where joined records go: the logging thread, which queues them as its own. */
export interface JoinTarget {
  /** Hands a source's records (times in ms since the epoch, line tails with the source) to the logging thread. */
  deliver(source: string, times: Float64Array, tails: string[]): void;
  /** True while the logger is too far behind with what it was handed: joiners are then not read. */
  behind(): boolean;
  /** A source disconnected, after its last records were delivered. */
  left(source: string): void;
}

/**
 * The hub's side of `/join`: takes loggers of other threads and processes as
 * sources of this session. Each connection says who it is, then sends its
 * record lines; they go to the logging thread (and from there the one road
 * every record takes: file, hub, outputs), and the joiner hears how much was
 * taken, which its `flush()` waits for. While the logger is behind, joiners
 * are not read, so TCP holds them back and their loggers' queues fill.
 */
export class JoinReceiver {
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_JOIN_MESSAGE_BYTES,
    perMessageDeflate: false,
  });
  private readonly live = new Set<WebSocket>();
  private joined = 0;
  private gone = 0;
  private socketServer: Server | undefined;
  private readonly order: TimeOrder;
  private ticker: NodeJS.Timeout | undefined;

  /** `hold`: how long records wait to be put in order (see `TimeOrder`); the defaults suit joiners on this machine. */
  constructor(
    private readonly target: JoinTarget,
    hold: { windowMs: number; maxHoldMs: number } = { windowMs: ORDER_WINDOW_MS, maxHoldMs: MAX_HOLD_MS },
  ) {
    this.order = new TimeOrder(hold.windowMs, hold.maxHoldMs);
  }

  /** Sources connected now, joined in all and gone, for the hub's stats. */
  counts(): SourceCounts {
    return { connected: this.live.size, joined: this.joined, gone: this.gone };
  }

  /**
   * Takes an upgrade to `/join` whose Host the server has checked: refuses a
   * browser (any `Origin`: no page may join) and a missing or wrong token.
   * Returns false when refused, so the server can count it.
   */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, tokenOk: (presented: string | null) => boolean): boolean {
    const auth = req.headers.authorization;
    const presented = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : null;
    let status = '';
    if (req.headers.origin !== undefined) status = '403 Forbidden';
    else if (!tokenOk(presented)) status = '401 Unauthorized';
    if (status !== '') {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return false;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  /**
   * Listens on a local socket too (`path`): children find it from
   * `PULSELOG_JOIN` before the dashboard's TCP port is known.
   */
  listenSocket(path: string, tokenOk: (presented: string | null) => boolean): Promise<void> {
    const server = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket, head) => {
      if (new URL(req.url ?? '/', 'http://localhost').pathname !== JOIN_PATH) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      } else this.upgrade(req, socket, head, tokenOk);
    });
    this.socketServer = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  private accept(ws: WebSocket): void {
    let source: string | undefined;
    let sourceJson = '';
    /** Messages read while the logger was behind (ws parses what one read brought), held in order. */
    const held: string[] = [];
    const acks = new InOrderAcks((messages) => {
      const ack: JoinAck = { type: 'ack', messages };
      ws.send(JSON.stringify(ack));
    });
    const take = (text: string) => {
      const done = acks.next();
      const now = Date.now();
      if (text.startsWith('{"type":"gap"')) {
        const tail = dropNoteTail(dropCount(text), sourceJson);
        this.hold(source as string, Float64Array.of(now), [tail], now, done);
      } else {
        const { times, tails } = joinedRecords(text, sourceJson);
        this.hold(source as string, times, tails, now, done);
      }
    };
    const drain = () => {
      while (held.length > 0 && !this.target.behind()) take(held.shift() as string);
      if (held.length === 0) {
        ws.resume();
        return;
      }
      // The logger is behind: nothing more is read from this joiner (TCP holds it back) until it catches up.
      ws.pause();
      if (ws.readyState === ws.OPEN) setTimeout(drain, RESUME_POLL_MS);
    };
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? '' : data.toString();
      if (source === undefined) {
        const parsed = parseJoinHello(text);
        if (typeof parsed === 'string') return ws.close(CLOSE_PROTOCOL, parsed);
        source = sourceName(parsed);
        sourceJson = JSON.stringify(source);
        this.live.add(ws);
        this.joined++;
        return;
      }
      held.push(text);
      if (held.length === 1) drain();
    });
    ws.on('close', () => {
      if (!this.live.delete(ws)) return;
      this.gone++;
      // What it sent and this hub read reached this process: delivered, even if the logger is behind.
      for (const text of held.splice(0)) take(text);
      this.deliver(this.order.release(Date.now(), { only: source as string }));
      this.target.left(source as string);
    });
  }

  /** Holds a joiner's records for `TimeOrder`; `done` runs once they are all handed on. */
  private hold(source: string, times: Float64Array, tails: string[], now: number, done: () => void): void {
    this.order.add(source, times, tails, now, done);
    this.ticker ??= setInterval(() => this.tick(), ORDER_TICK_MS).unref();
  }

  private tick(): void {
    this.deliver(this.order.release(Date.now()));
    if (this.order.size === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
    }
  }

  private deliver(runs: Released[]): void {
    for (const run of runs) this.target.deliver(run.source, Float64Array.from(run.times), run.tails);
    // Acknowledged only now that they are on their way to the logging thread: a joiner whose
    // flush() resolves and which is then killed has lost nothing, and the next flush() here has them.
    this.order.settle();
  }

  /** Closes every joiner and the local socket. */
  async close(): Promise<void> {
    this.deliver(this.order.release(Date.now(), { all: true }));
    clearInterval(this.ticker);
    for (const ws of this.live) ws.terminate();
    this.wss.close();
    const server = this.socketServer;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The count of a joiner's drop note (`{"type":"gap",…,"count":N}`), 0 when unreadable. */
function dropCount(text: string): number {
  try {
    return Number((JSON.parse(text) as { count?: unknown }).count) || 0;
  } catch {
    return 0;
  }
}

/**
 * Acknowledgements of a joiner's messages, cumulative and in order: message
 * `k` is acknowledged once it and every one before it are handed on.
 */
class InOrderAcks {
  private issued = 0;
  private acked = 0;
  private readonly finished = new Set<number>();

  constructor(private readonly send: (messages: number) => void) {}

  /** Numbers the next message; returns what to call once it is handed on. */
  next(): () => void {
    const index = ++this.issued;
    return () => {
      this.finished.add(index);
      let moved = false;
      while (this.finished.delete(this.acked + 1)) {
        this.acked++;
        moved = true;
      }
      if (moved) this.send(this.acked);
    };
  }
}
