import type { CheckpointMessage, EndMessage, HubStats, SessionInfo } from '@pulselog/shared';

/** What the hub worker is started with. */
export interface HubOptions {
  host: string;
  port: number;
  /** Ports tried after `port` when it is taken. */
  portRange: number;
  token: string;
  /** Folder holding the built dashboard. */
  staticDir: string;
  session: SessionInfo;
  /** Replay buffer bounds. */
  maxRecords: number;
  maxBytes: number;
}

/** Messages from the logger's thread to the hub worker. */
export type ToHub =
  | {
      t: 'records';
      /** Records as JSON lines, each ending in `\n`, in ascending `seq` order. */
      lines: string;
      firstSeq: number;
      lastSeq: number;
      count: number;
    }
  | { t: 'checkpoint'; message: CheckpointMessage }
  | { t: 'dropped'; from: number; to: number; count: number }
  | { t: 'end'; message: EndMessage };

/** Messages from the hub worker to the logger's thread. */
export type FromHub =
  | { t: 'listening'; url: string; host: string; port: number }
  | { t: 'error'; code: string; message: string }
  | { t: 'stats'; stats: HubStats }
  | { t: 'ended' };
