import { signal } from '@preact/signals';
import { CLOSE_UNAUTHORIZED, PROTOCOL_VERSION, parseServerMessage, WS_PATH, WS_SUBPROTOCOL } from '@pulselog/shared';
import { retryDelay } from '../core/backoff.js';
import { Ingest } from './ingest.js';
import type { SessionModel } from './session.js';

/** Where the live stream stands, as shown in the status bar. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'unauthorized';

/**
 * Keeps a WebSocket to the dashboard server open: says which records the page
 * already has, feeds every message to the session model, and reconnects with
 * backoff (`retryDelay`), also after the session ended, so a tab left open
 * picks up the next run on the same port by itself.
 */
export class Connection {
  readonly state = signal<ConnectionState>('connecting');
  /** Reconnect attempts since the connection was last live; 0 while live. */
  readonly attempt = signal(0);
  private socket: WebSocket | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly ingest: Ingest;

  constructor(
    private readonly model: SessionModel,
    private readonly token: string,
    private readonly url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`,
    /** Wait before reconnect attempt `attempt`; tests pass a shorter one. */
    private readonly delay: (attempt: number) => number = retryDelay,
  ) {
    this.ingest = new Ingest(model);
  }

  /** Opens the connection. */
  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Closes the connection for good. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.socket?.close();
  }

  private open(): void {
    const socket = new WebSocket(`${this.url}?token=${encodeURIComponent(this.token)}`, WS_SUBPROTOCOL);
    this.socket = socket;
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const parsed = parseServerMessage(event.data);
      if (!parsed.ok) {
        console.warn(`pulselog: ignored a message from the server: ${parsed.reason}`);
        return;
      }
      const message = parsed.value;
      if (message.type === 'hello') {
        // The resume below must name the newest record held, so everything received before goes in first.
        this.ingest.drain();
        if (message.protocol !== PROTOCOL_VERSION) console.warn(`pulselog: server speaks protocol ${message.protocol}`);
        this.model.apply(message);
        const sessionId = this.model.info.value?.id;
        socket.send(JSON.stringify({ type: 'resume', sessionId, lastSeq: this.model.lastSeq }));
        this.attempt.value = 0;
        this.state.value = 'live';
        return;
      }
      this.ingest.push(message);
      if (message.type === 'end') this.state.value = 'ended';
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      if (event.code === 1008 || event.code === CLOSE_UNAUTHORIZED) {
        this.state.value = 'unauthorized';
        return;
      }
      if (this.state.value !== 'ended') this.state.value = 'reconnecting';
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const attempt = ++this.attempt.value;
    this.timer = setTimeout(() => this.open(), this.delay(attempt));
  }
}
