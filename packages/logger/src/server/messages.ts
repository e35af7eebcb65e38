import type { MessagePort } from 'node:worker_threads';
import type {
  CheckpointStoreStatus,
  EndMessage,
  HubStats,
  OutputStatus,
  SessionFileStatus,
  SessionInfo,
} from '@pulselog/shared';
import type { MetricsSnapshot } from '../metrics/snapshot.js';

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
   * `Int32Array` slot `PROGRESS.taken` counts records the hub took in (or
   * heard were skipped), slot `PROGRESS.chars` the size of their lines (`chars` of each frame)
   * (both wrapping at 2^32); slot `PROGRESS.ended` becomes 1 once the hub has ended.
   */
  progress?: SharedArrayBuffer;
  /**
   * The port on which the pipeline thread passes on everything the session
   * file gets (`HubFeedMessage`), in the file's order, whether or not a file
   * is written. `ToHub` brings only the end, the linger control and news of
   * records lost with the pipeline thread.
   */
  feed?: MessagePort;
  /** Largest OTLP/HTTP body taken on `POST /v1/logs`, in bytes, as sent and unpacked. */
  otlpMaxBytes: number;
  /** A local socket to take joining loggers on as well as `/join` on the port (`PULSELOG_JOIN`). */
  joinSocket?: string;
}

/** Messages from the pipeline thread to the hub worker, in the order of the session file. */
export type HubFeedMessage =
  /**
   * Records as a batch frame in the lines form (`LINES_HEAD`, then their
   * lines as the file got them, UTF-8), its buffer moved to the hub, not
   * copied; `chars` is the size of the lines, UTF-8 (their length for ASCII).
   */
  | { t: 'frame'; frame: ArrayBuffer; chars: number; firstSeq: number; lastSeq: number; count: number }
  /** Records not passed on: the hub or the file was too far behind. They are in the file. */
  | { t: 'skipped'; from: number; to: number; count: number }
  /** Any other line of the file, as written: a checkpoint change, a drop note, the end. */
  | { t: 'line'; text: string }
  /** The outputs' counters, for the status shown to tabs. */
  | { t: 'outputs'; outputs: OutputStatus[] }
  /** The session file's writing failed, or works again: for the status shown to tabs. */
  | { t: 'file'; status: SessionFileStatus };

/**
 * Slots of `HubOptions.progress`: records and characters taken in, the end
 * sent, the pipeline's feed closed (every record it passed on taken in),
 * and records received over OTLP that the logging thread has queued.
 */
export const PROGRESS = { taken: 0, ended: 1, chars: 2, feedClosed: 3, ingested: 4 } as const;
/** Slots of `HubOptions.progress` in all. */
export const PROGRESS_SLOTS = 5;

/** Messages from the logger's thread to the hub worker. */
export type ToHub =
  /** Records that will never come: the pipeline thread died with them. */
  | { t: 'dropped'; from: number; to: number; count: number }
  | {
      t: 'end';
      message: EndMessage;
      /** Milliseconds to wait for a tab to hold every record before `end` is sent; 0 sends it at once. */
      lingerMs: number;
    }
  /** Stop waiting for a tab (the user pressed Ctrl-C). */
  | { t: 'skip-linger' }
  /** The logger's figures for `GET /metrics`, in answer to `metrics-wanted`. */
  | { t: 'metrics'; snapshot: MetricsSnapshot }

  /** Saving checkpoints failed, or works again: for the status shown to tabs. */
  | { t: 'checkpoint-store'; status: CheckpointStoreStatus };

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
  | { t: 'ended' }
  /**
   * Records received over OTLP, for the logger to queue as its own: each one's
   * wall-clock time (ms since the epoch) and its line's tail. The logging
   * thread adds their count to `PROGRESS.ingested` once it has queued (or dropped) them.
   */
  | { t: 'ingest'; times: Float64Array; tails: string[] }
  /** A scraper asked for `/metrics`: the logging thread answers with `metrics`. */
  | { t: 'metrics-wanted' }
  /**
   * Records of a logger that joined (`/join`), for the logger to queue as its
   * own in a context named after `source`, like `ingest`; counted in `PROGRESS.ingested` too.
   */
  | { t: 'joined'; source: string; times: Float64Array; tails: string[] }
  /** A joined source disconnected; its records came before this. */
  | { t: 'left'; source: string };
