import type { CheckpointMessage, EndMessage, HubStats, SessionInfo } from '@pulselog/shared';
import type { PackedRecords } from '../core/packed.js';

/** What the hub worker is started with. */
export interface HubOptions {
  /** Address to bind. */
  host: string;
  /** First port tried; 0 lets the system choose. */
  port: number;
  /** Ports tried after `port` when it is taken. */
  portRange: number;
  /** Secret every API and WebSocket request must present. */
  token: string;
  /** Folder holding the built dashboard. */
  staticDir: string;
  /** The session served. */
  session: SessionInfo;
  /** Most records the replay buffer holds. */
  maxRecords: number;
  /** Most bytes of JSON lines the replay buffer holds. */
  maxBytes: number;
  /**
   * Progress the logger's thread may read, or wait on, without the event loop:
   * `Int32Array` slot `PROGRESS.taken` counts records the hub took in and slot
   * `PROGRESS.chars` their characters (`PackedRecords.chars`) (both wrapping at 2^32),
   * slot `PROGRESS.ended` becomes 1 once the hub has ended.
   */
  progress?: SharedArrayBuffer;
}

/** Slots of `HubOptions.progress`. */
export const PROGRESS = { taken: 0, ended: 1, chars: 2 } as const;

/** Messages from the logger's thread to the hub worker. */
export type ToHub =
  | {
      t: 'records';
      /** The records, in ascending `seq` order. */
      packed: PackedRecords;
      firstSeq: number;
      lastSeq: number;
      count: number;
    }
  | { t: 'checkpoint'; message: CheckpointMessage }
  | { t: 'dropped'; from: number; to: number; count: number }
  /** Records the logger sent on to the session file but not to the hub, which was too far behind. */
  | { t: 'skipped'; from: number; to: number; count: number }
  | {
      t: 'end';
      message: EndMessage;
      /** Milliseconds to wait for a tab to hold every record before `end` is sent; 0 sends it at once. */
      lingerMs: number;
    }
  /** Stop waiting for a tab (the user pressed Ctrl-C). */
  | { t: 'skip-linger' };

/** Messages from the hub worker to the logger's thread. */
export type FromHub =
  | { t: 'listening'; url: string; host: string; port: number }
  | { t: 'error'; code: string; message: string }
  | { t: 'stats'; stats: HubStats }
  /** A tab connected and said where it stands; `clients` are subscribed now. */
  | { t: 'client'; clients: number }
  /** The session ended with records no tab has yet; the hub waits up to `lingerMs` for one. */
  | { t: 'lingering'; lingerMs: number }
  /** `end` was delivered and every connection closed. */
  | { t: 'ended' };
