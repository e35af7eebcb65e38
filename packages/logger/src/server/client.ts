import type { WebSocket } from 'ws';

/** Unsent bytes a client may have queued before it is held back and caught up later. */
export const CLIENT_BUFFER_CAP = 4 * 1024 * 1024;

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
}

/** A client that has just connected and not yet said where it stands. */
export function newClient(ws: WebSocket): Client {
  return { ws, sentSeq: undefined, dropIndex: 0, endSent: false, resumeTimer: undefined, staleCheckpoints: new Set() };
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
  const all = [...clients];
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
