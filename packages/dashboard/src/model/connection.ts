import { type Signal, signal } from '@preact/signals';
import { CLOSE_UNAUTHORIZED, PROTOCOL_VERSION, WS_PATH, WS_SUBPROTOCOL } from '@pulselog/shared';
import { retryDelay } from '../core/backoff.js';
import { Ingest } from './ingest.js';
import type { SessionModel } from './session.js';
import { Stream, type StreamEvent } from './stream.js';

/** Where the live stream stands, as shown in the status bar. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'ended' | 'unauthorized';

/**
 * Keeps a WebSocket to the dashboard server open (`Stream`) and feeds every
 * message to the session model, records as packed runs; reconnects with
 * backoff (`retryDelay`), also after the session ended, so a tab left open
 * picks up the next run on the same port by itself.
 */
export class Connection {
  readonly state = signal<ConnectionState>('connecting');
  /** Reconnect attempts since the connection was last live; 0 while live. */
  readonly attempt = signal(0);
  private stream: Stream | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private readonly ingest: Ingest;
  private storage: { name: string; error: Signal<string | undefined> } | undefined;

  constructor(
    private readonly model: SessionModel,
    /** The dashboard's access token, which other requests of the page present too. */
    readonly token: string,
    private readonly url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`,
    /** Wait before reconnect attempt `attempt`; tests pass a shorter one. */
    private readonly delay: (attempt: number) => number = retryDelay,
  ) {
    this.ingest = new Ingest(model);
  }

  /**
   * Has the stream write the records it receives to the sessions database
   * `store.name` as they come, as the JSON lines the hub sent,
   * reporting failures in `store.error`; called before `start`, when the page
   * keeps the live session.
   */
  storeIn(store: { name: string; error: Signal<string | undefined> }): void {
    this.storage = store;
  }

  /** Opens the connection. */
  start(): void {
    this.stopped = false;
    this.stream ??= new Stream((event) => this.receive(event));
    this.open();
  }

  /** Closes the connection for good. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stream?.close();
    this.stream = undefined;
  }

  private open(): void {
    this.stream?.command({
      type: 'connect',
      url: `${this.url}?token=${encodeURIComponent(this.token)}`,
      protocol: WS_SUBPROTOCOL,
      // What the page holds, stored sessions included; the stream counts on from there.
      from: { sessionId: this.model.info.value?.id, lastSeq: this.model.lastSeq },
      ...(this.storage ? { database: this.storage.name } : {}),
    });
  }

  /** Takes one event of the stream, in the order the server sent its messages. */
  private receive(event: StreamEvent): void {
    if (this.stopped) return;
    if (event.type === 'storage') {
      if (this.storage) this.storage.error.value = event.error;
      return;
    }
    if (event.type === 'refused') {
      console.warn(`pulselog: ignored a message from the server: ${event.reason}`);
      return;
    }
    if (event.type === 'closed') {
      if (event.code === 1008 || event.code === CLOSE_UNAUTHORIZED) {
        // Refused by whoever holds the port now, often another project's dashboard: this
        // project's next run may take the port back, so the tab keeps trying.
        this.state.value = 'unauthorized';
      } else if (this.state.value !== 'ended') this.state.value = 'reconnecting';
      this.scheduleReconnect();
      return;
    }
    const message = event.value;
    if (message.type === 'hello') {
      // The stream has asked to resume after what it handed on; all of that goes in first.
      this.ingest.drain();
      if (message.protocol !== PROTOCOL_VERSION) console.warn(`pulselog: server speaks protocol ${message.protocol}`);
      this.model.apply(message);
      this.attempt.value = 0;
      this.state.value = 'live';
      return;
    }
    this.ingest.push(message);
    if (message.type === 'end') this.state.value = 'ended';
  }

  private scheduleReconnect(): void {
    const attempt = ++this.attempt.value;
    this.timer = setTimeout(() => this.open(), this.delay(attempt));
  }
}
