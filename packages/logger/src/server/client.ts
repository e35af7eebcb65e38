import type { WebSocket } from 'ws';

/** Unsent bytes a client may have queued before it is held back and caught up later. */
export const CLIENT_BUFFER_CAP = 4 * 1024 * 1024;

/** A client whose socket has taken none of its queued bytes for this long is stalled: it is not waited for at the end. */
export const STALL_MS = 1000;

/** One dashboard connection and where it stands in the stream. */
export interface Client {
  ws: WebSocket;
  /** Last seq sent to this client; undefined until it has sent `resume`. */
  sentSeq: number | undefined;
  /** Absolute index of the next drop note this client is due. */
  dropIndex: number;
  endSent: boolean;
  resumeTimer: NodeJS.Timeout | undefined;
  /** Checkpoints that changed while the client was over its cap; sent, as they are then, once it catches up. */
  staleCheckpoints: Set<string>;
  /** Bytes handed to the socket so far (see `send`). */
  sentBytes: number;
  /** Bytes the socket had taken at the last look, and when that last grew (or its queue was empty). */
  flushedBytes: number;
  progressAt: number;
}

/** A client that has just connected and not yet said where it stands. */
export function newClient(ws: WebSocket): Client {
  return {
    ws,
    sentSeq: undefined,
    dropIndex: 0,
    endSent: false,
    resumeTimer: undefined,
    staleCheckpoints: new Set(),
    sentBytes: 0,
    flushedBytes: 0,
    progressAt: Date.now(),
  };
}

/** Sends a message to a client, counting its bytes so that `stalled` can tell whether the client reads. */
export function send(client: Client, data: string | Buffer, options?: { binary: boolean }): void {
  client.sentBytes += typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (options) client.ws.send(data, options);
  else client.ws.send(data);
}

/**
 * True when the client has bytes queued and its socket has taken none of
 * them for `STALL_MS`: a peer that does not read. Each call is a look; the
 * hub looks at least once a second (`stats`) and at the end.
 */
export function stalled(client: Client, now = Date.now()): boolean {
  const queued = client.ws.bufferedAmount;
  const flushed = client.sentBytes - queued;
  if (queued === 0 || flushed > client.flushedBytes) {
    client.flushedBytes = flushed;
    client.progressAt = now;
    return false;
  }
  return now - client.progressAt >= STALL_MS;
}

/** True while a client has more unsent bytes queued than its cap allows. */
export function overCap(client: Client): boolean {
  return client.ws.bufferedAmount >= CLIENT_BUFFER_CAP;
}

/**
 * Closes connections with a closing handshake and resolves once each has
 * answered (so it has read everything sent before) or `graceMs` passed;
 * stragglers are cut off.
 */
export async function closeGracefully(clients: Iterable<Client>, graceMs: number, code: number, reason: string) {
  // A client that does not read would never answer the closing handshake: it is cut off at once.
  const all = [...clients];
  for (const client of all) if (stalled(client)) client.ws.terminate();
  const closed = all.map(
    (client) =>
      new Promise<void>((resolve) => {
        if (client.ws.readyState === client.ws.CLOSED) return resolve();
        client.ws.once('close', () => resolve());
        client.ws.close(code, reason);
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  for (const client of all) client.ws.terminate();
}
