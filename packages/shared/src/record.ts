import type { LevelName } from './levels.js';

/** An error as it travels on the wire: plain data, cause chain included. */
export interface SerializedError {
  /** Constructor name, e.g. `TypeError`. */
  name: string;
  /** The error's message. */
  message: string;
  /** The stack as Node printed it, when there was one. */
  stack?: string;
  /** A string or numeric `code` property (`ENOENT`, `ERR_…`), when present. */
  code?: string | number;
  /** The `cause`, serialized the same way; chains are cut after a few links. */
  cause?: SerializedError;
}

/** What a record is: an ordinary log line, or a separator drawn across the list. */
export type RecordKind = 'log' | 'divider';

/**
 * One log record as written to session files and sent to dashboards. Every
 * value is already JSON-safe: the logger serializes at call time.
 */
export interface LogRecord {
  /** Sequence number, 1-based, strictly increasing across the whole session. */
  seq: number;
  /** Wall-clock time of the call in milliseconds since the epoch, with a sub-millisecond fraction. */
  ts: number;
  /** Severity. */
  level: LevelName;
  /** The message text. */
  msg: string;
  /** Structured fields given with the call, merged over the logger's bindings. */
  fields?: Record<string, unknown>;
  /** Tag of the async context the call was made in. */
  tag?: string;
  /**
   * Where a record received from elsewhere came from: an OpenTelemetry resource's `service.name`, or a
   * logger that joined this dashboard, `name[pid]` (`name[pid:thread]` in a worker thread). Absent: the
   * dashboard's own process.
   */
  source?: string;
  /** `divider` for separators; absent means `log`. */
  kind?: RecordKind;
  /** The error passed to `exception()`. */
  err?: SerializedError;
}

/** The states a checkpoint can be in. */
export const CHECKPOINT_STATUSES = ['DONE', 'IN_PROGRESS', 'FAILED', 'SKIPPED'] as const;

/** A checkpoint's state. */
export type CheckpointStatus = (typeof CHECKPOINT_STATUSES)[number];

/** A named, durable piece of progress saved with `log.save()`. */
export interface Checkpoint {
  /** Unique name within the checkpoint store. */
  name: string;
  /** The saved data, JSON-safe. */
  data: unknown;
  /** State of the work the checkpoint stands for. */
  status?: CheckpointStatus;
  /** A short human note. */
  note?: string;
  /** Progress from 0 to 100. */
  progress?: number;
  /** Time of the last save, milliseconds since the epoch. */
  ts: number;
}

/**
 * A checkpoint without its data, as the dashboard hub sends it to tabs: the
 * hub holds every checkpoint's summary, however many and large they are, and
 * a tab fetches a checkpoint's data when it shows it (`CHECKPOINT_DATA_PATH`).
 */
export interface CheckpointSummary extends Omit<Checkpoint, 'data'> {
  /** Size of the data as JSON text, in bytes. */
  dataSize: number;
}

/** Facts about the process a session belongs to. */
export interface SessionInfo {
  /** Unique id of this session (name, start time and pid). */
  id: string;
  /** The logger's name, e.g. `resnet-training`. */
  name: string;
  /** Process id of the logging program. */
  pid: number;
  /** Host name of the machine. */
  host: string;
  /** Start of the session, milliseconds since the epoch. */
  startedAt: number;
  /** Versions of pulselog and the runtime. */
  versions: { pulselog: string; node: string; protocol: number };
}
