/**
 * The join address: where a logger sends its records when it joins a
 * dashboard instead of opening its own. A process with a dashboard puts it in
 * `process.env.PULSELOG_JOIN` so that its workers, cluster workers and
 * children find it; `pulselog serve` is found through `GET /api/health`.
 *
 * Forms (the token after `#token=`, as in the dashboard's own URL):
 * - `unix:/tmp/pulselog-123-0-ab12.sock#token=…&owner=123.0`: the dashboard's
 *   own socket, known before its TCP port is (a parent forks at once);
 * - `ws://127.0.0.1:5678/join#token=…`: a dashboard's TCP port (`pulselog serve`).
 *
 * `owner` names the process and thread that opened the dashboard: a logger on
 * that very thread opens a dashboard of its own, as before, rather than join itself.
 */

/** Name of the environment variable that carries the join address to children. */
export const JOIN_ENV = 'PULSELOG_JOIN';

/** Path of the WebSocket endpoint joining loggers connect to. */
export const JOIN_PATH = '/join';

/** A parsed join address. */
export interface JoinAddress {
  /** `unix` for the dashboard's socket, `ws` for its TCP port. */
  kind: 'unix' | 'ws';
  /** The socket's path (`unix`), or the `ws://` URL (`ws`). */
  target: string;
  /** The dashboard's token. */
  token: string;
  /** `pid.threadId` of the thread that opened the dashboard, when known. */
  owner?: string;
}

const TOKEN = /^[A-Za-z0-9_-]{22,}$/;

/** The address as text, for `PULSELOG_JOIN`. */
export function formatJoinAddress(address: JoinAddress): string {
  const head = address.kind === 'unix' ? `unix:${address.target}` : address.target;
  const owner = address.owner === undefined ? '' : `&owner=${address.owner}`;
  return `${head}#token=${address.token}${owner}`;
}

/** Parses a join address; throws an `Error` saying what is wrong (the config turns it into a `PulselogError`). */
export function parseJoinAddress(text: string): JoinAddress {
  const hash = text.lastIndexOf('#');
  if (hash < 0) throw new Error('expected an address with #token=… (set by a parent process or `pulselog serve`)');
  const head = text.slice(0, hash);
  const params = new URLSearchParams(text.slice(hash + 1));
  const token = params.get('token') ?? '';
  if (!TOKEN.test(token)) throw new Error('the join address carries no valid token');
  const owner = params.get('owner') ?? undefined;
  if (owner !== undefined && !/^\d+\.\d+$/.test(owner)) throw new Error('the join address names a malformed owner');
  let address: JoinAddress;
  if (head.startsWith('unix:') && head.length > 'unix:'.length) {
    address = { kind: 'unix', target: head.slice('unix:'.length), token };
  } else if (/^wss?:\/\/[^/]+\/join$/.test(head)) {
    address = { kind: 'ws', target: head, token };
  } else {
    throw new Error('expected unix:<socket path> or ws://host:port/join before #token=');
  }
  if (owner !== undefined) address.owner = owner;
  return address;
}

/** The URL the `ws` client connects to for `address`. */
export function joinUrl(address: JoinAddress): string {
  return address.kind === 'unix' ? `ws+unix:${address.target}:${JOIN_PATH}` : address.target;
}
