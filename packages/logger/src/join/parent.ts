import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { formatJoinAddress, JOIN_ENV } from './address.js';

/** The join address a dashboard offers its workers and children, and how to take it back. */
export interface JoinOffer {
  /** The local socket the hub listens on for joiners. */
  socket: string;
  /** Puts `PULSELOG_JOIN` back as it was: the dashboard is closing. */
  withdraw(): void;
}

/**
 * Puts this dashboard's join address in `process.env.PULSELOG_JOIN` at once,
 * before its hub listens: a program that forks, spawns or starts workers right
 * after `new Logger()` hands it to them (they wait for the socket to open).
 * Its socket is a file in the temporary folder, named for this process and
 * thread; the hub removes it when it closes. `undefined` on Windows, where
 * children open dashboards of their own.
 */
export function offerJoin(token: string): JoinOffer | undefined {
  if (process.platform === 'win32') return undefined;
  const owner = `${process.pid}.${threadId}`;
  const socket = join(tmpdir(), `pulselog-${owner}-${randomBytes(4).toString('hex')}.sock`);
  const before = process.env[JOIN_ENV];
  const value = formatJoinAddress({ kind: 'unix', target: socket, token, owner });
  process.env[JOIN_ENV] = value;
  return {
    socket,
    withdraw() {
      // Only if no later dashboard of this process has put its own in the meantime.
      if (process.env[JOIN_ENV] !== value) return;
      if (before === undefined) delete process.env[JOIN_ENV];
      else process.env[JOIN_ENV] = before;
    },
  };
}
