import { checkHealthMessage, checkProfileMessage, type HealthMessage, type ProfileMessage } from './insight.js';
import { isLevelName } from './levels.js';
import type { Checkpoint, CheckpointSummary, LogRecord, SessionInfo } from './record.js';
import { CHECKPOINT_STATUSES } from './record.js';

/**
 * Version of the WebSocket protocol. Raised only when a meaning changes; new
 * optional fields and new message types keep the number.
 */
export const PROTOCOL_VERSION = 1;

/** WebSocket subprotocol both sides name in the handshake. */
export const WS_SUBPROTOCOL = 'pulselog.v1';

/** Path of the WebSocket endpoint on the dashboard server. */
export const WS_PATH = '/ws';

/**
 * Close code of a WebSocket the server accepted only to say that the token is
 * missing or wrong, so the page can ask for a fresh link instead of retrying.
 * Only the dashboard's own origin ever gets this far.
 */
export const CLOSE_UNAUTHORIZED = 4001;

/**
 * Path of a checkpoint's data on the dashboard server: `GET
 * /api/checkpoint?name=<name>` with the token answers
 * `{"name":…,"ts":…,"data":…}` (the save whose time is `ts`), or 404.
 */
export const CHECKPOINT_DATA_PATH = '/api/checkpoint';

/** Largest message a client may send, in bytes; larger ones close the connection. */
export const MAX_CLIENT_MESSAGE_BYTES = 4096;

/** Counters the hub reports in `stats` messages and `GET /api/health`. */
export interface HubStats {
  /** Connected dashboard clients. */
  clients: number;
  /** Records the hub has received from the logger. */
  received: number;
  /** Records sent to clients, summed over clients. */
  sent: number;
  /** Records the logger dropped before they reached the hub (queue overflow). */
  dropped: number;
  /** Records in the replay buffer and their size. */
  replay: { records: number; bytes: number; maxRecords: number; maxBytes: number; firstSeq: number; lastSeq: number };
  /** Milliseconds since the hub started. */
  uptimeMs: number;
  /** Bytes queued for clients but not yet taken by their sockets, summed over clients. */
  buffered?: number;
  /** HTTP and WebSocket requests refused at the door: unknown Host, foreign Origin or a missing or wrong token. */
  refused?: number;
  /** Records the dashboard was passed over for while it was too far behind; they are in the session file. */
  skipped?: number;
  /** Clients held back because they read slower than records arrive; they are caught up from the replay buffer. */
  paused?: number;
  /**
   * The hub thread's own memory in bytes: its JavaScript heap (garbage not yet
   * collected included), the hard limit that heap cannot pass, and buffers outside it.
   */
  memory?: { heapUsed: number; heapLimit: number; external: number };
  /** The logger's outputs (plug-ins of the pipeline) and how each is doing. */
  outputs?: OutputStatus[];
  /** OTLP/HTTP logs received on `POST /v1/logs`, once any request came. */
  otlp?: OtlpStats;
  /** How the session file's writing goes, once a write of it failed. */
  sessionFile?: SessionFileStatus;
  /** How saving checkpoints goes, once a save failed. */
  checkpointStore?: CheckpointStoreStatus;
  /** Loggers of other threads and processes sending their records to this dashboard (`/join`). */
  sources?: SourceCounts;
}

/** The checkpoint store, once a save or removal failed for the file system. */
export interface CheckpointStoreStatus {
  /** The store's file. */
  path: string;
  /** Saves, removals and reads that failed. */
  errors: number;
  /** The error while saves fail now; absent once they work again (the failed ones stay in memory only). */
  failing?: string;
}

/** The session file's writing, once a write failed: a full disk, a read-only file system, an I/O error. */
export interface SessionFileStatus {
  /** The file. */
  path: string;
  /** Writes that failed. */
  errors: number;
  /** Records left out of the file (each run of them is marked there by a gap line once writing works again). */
  unwritten: number;
  /** The error while writes fail now (`ENOSPC: no space left on device`); absent once they work again. */
  failing?: string;
}

/** Loggers that joined a dashboard: each is a source of the session, its records marked with `LogRecord.source`. */
export interface SourceCounts {
  /** Sources connected now. */
  connected: number;
  /** Sources that joined since the dashboard started. */
  joined: number;
  /** Sources that joined and have since disconnected. */
  gone: number;
}

/** What the dashboard's OTLP/HTTP receiver took in and turned away, since it started. */
export interface OtlpStats {
  /** Log records taken in. */
  records: number;
  /** Log records refused inside requests otherwise taken (answered with `partialSuccess`). */
  rejectedRecords: number;
  /** Requests refused whole for their body: not OTLP, damaged, cut short, too large, of an unknown encoding. */
  badRequests: number;
  /** Requests turned away for now (503, to retry) while the logger was behind. */
  busy: number;
}

/** How one output of the logger is doing: its counters since the session started. */
export interface OutputStatus {
  /** The output's name. */
  name: string;
  /** Records the output took. */
  written: number;
  /** Records in writes that failed, or that came while its module could not be loaded. */
  failed: number;
  /** Records dropped from its backlog while it was too far behind. */
  dropped: number;
  /** Records waiting for it. */
  backlog: number;
  /** Failures counted. */
  errors: number;
  /** The message of the last failure, if any. */
  lastError?: string;
  /** Records the backend acknowledged (outputs that deliver over the network, like the built-in ones). */
  sent?: number;
  /** Records waiting for a retry while the backend is failing or unreachable, in memory or spooled. */
  retrying?: number;
  /** Records kept in the output's disk spool for a later attempt or the next run. */
  spooled?: number;
  /** Records the backend refused (a 4xx other than 429, or a per-item error): not retried. */
  rejected?: number;
  /** Failed attempts that were retried. */
  retries?: number;
}

/** First message on every connection: who is logging and where the stream stands. */
export interface HelloMessage {
  type: 'hello';
  /** Protocol version the server speaks. */
  protocol: number;
  /** The session the records belong to. */
  session: SessionInfo;
  /** Highest sequence number the hub has received so far (0 when none). */
  lastSeq: number;
  /** Lowest sequence number still in the replay buffer (0 when empty); anything older arrives as a `gap`. */
  firstSeq?: number;
}

/**
 * First line of a batch in its lines form: the hub sends records as this
 * line, then each record's JSON on a line of its own (each ending in `\n`),
 * which is the text the session recorder writes to its file, so the hub
 * passes it on without building it again. `parseServerMessage` returns such
 * a message as a `batch`.
 */
export const LINES_HEAD = '{"type":"lines"}\n';

/** Records in ascending `seq` order; on the wire as a JSON object, or in the lines form (`LINES_HEAD`). */
export interface BatchMessage {
  type: 'batch';
  /** The records; a client never receives a record twice on one connection. */
  records: LogRecord[];
}

/** A checkpoint was saved (`upsert`) or removed (`delete`). */
export type CheckpointMessage =
  | {
      type: 'checkpoint';
      op: 'upsert';
      /** The checkpoint's full current state. */
      checkpoint: Checkpoint;
    }
  | {
      type: 'checkpoint';
      op: 'delete';
      /** Name of the removed checkpoint. */
      name: string;
    }
  | {
      type: 'checkpoint';
      op: 'summary';
      /** The checkpoint's current state but its data, which the tab fetches on demand (`CHECKPOINT_DATA_PATH`). */
      checkpoint: CheckpointSummary;
    };

/** Periodic counters. */
export interface StatsMessage {
  type: 'stats';
  /** The hub's counters at the time of sending. */
  stats: HubStats;
}

/**
 * Records in `from..to` (inclusive) that this client will never receive:
 * `evicted` when they left the replay buffer before the client caught up,
 * `dropped` when the logger's queue overflowed (then `count` of the range are
 * missing, the rest arrive as usual), `skipped` when the dashboard fell too far
 * behind the program and was passed over while the records went on to the
 * session file (they are there, not lost).
 */
export interface GapMessage {
  type: 'gap';
  /** First sequence number of the range. */
  from: number;
  /** Last sequence number of the range. */
  to: number;
  /** Why the records are missing. */
  reason: 'evicted' | 'dropped' | 'skipped';
  /** How many records of the range are missing. */
  count: number;
  /**
   * In a session file only: the write error that kept these records out of
   * it (`dropped`; a gap with `count` 0 stands for other lines only).
   */
  error?: string;
  /** In a session file only: lines other than records (checkpoint changes, drop notes) kept out with them. */
  lines?: number;
}

/** The logging process has ended; no record follows. */
export interface EndMessage {
  type: 'end';
  /** How the session ended. */
  reason: 'exit' | 'shutdown' | 'signal' | 'uncaught';
  /** Exit code, when known. */
  code?: number;
  /** Signal name, for `signal`. */
  signal?: string;
  /** Time of the end, milliseconds since the epoch. */
  at: number;
  /** Sequence number of the last record of the session. */
  lastSeq: number;
}

/** Every message the server sends. */
export type ServerMessage =
  | HelloMessage
  | BatchMessage
  | CheckpointMessage
  | StatsMessage
  | GapMessage
  | EndMessage
  | HealthMessage
  | ProfileMessage;

/**
 * Sent by a client after `hello`: the session it already holds records of and
 * the last sequence number it has. The hub answers with everything after it
 * (or all of it, for another session), then live records.
 */
export interface ResumeMessage {
  type: 'resume';
  /** Session id the client's records belong to, if any. */
  sessionId?: string;
  /** Last sequence number the client holds for that session; 0 for none. */
  lastSeq: number;
}

/** Every message a client may send. */
export type ClientMessage = ResumeMessage;

/** Result of parsing untrusted input: a typed value, or the reason it was refused. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isSeq = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Parses a message from a dashboard client. Anything but a well-formed, small
 * `ClientMessage` is refused with a reason the server can put in the close frame.
 */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  if (raw.length > MAX_CLIENT_MESSAGE_BYTES) return fail('message too large');
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail('invalid JSON');
  }
  if (!isObject(data)) return fail('message is not an object');
  if (data.type !== 'resume') return fail('unknown message type');
  if (!isSeq(data.lastSeq)) return fail('lastSeq must be a non-negative integer');
  if (data.sessionId !== undefined && (typeof data.sessionId !== 'string' || data.sessionId.length > 200)) {
    return fail('sessionId must be a short string');
  }
  const value: ResumeMessage = { type: 'resume', lastSeq: data.lastSeq };
  if (data.sessionId !== undefined) value.sessionId = data.sessionId as string;
  return { ok: true, value };
}

/** True when `value` has the shape of a `LogRecord` (checked shallowly, for speed). */
export function isLogRecord(value: unknown): value is LogRecord {
  return (
    isObject(value) &&
    isSeq(value.seq) &&
    typeof value.ts === 'number' &&
    isLevelName(value.level) &&
    typeof value.msg === 'string' &&
    (value.fields === undefined || isObject(value.fields)) &&
    (value.tag === undefined || typeof value.tag === 'string')
  );
}

/** True when `value` has the shape of a `Checkpoint`. */
export function isCheckpoint(value: unknown): value is Checkpoint {
  return (
    isObject(value) &&
    typeof value.name === 'string' &&
    typeof value.ts === 'number' &&
    (value.status === undefined || (CHECKPOINT_STATUSES as readonly unknown[]).includes(value.status)) &&
    (value.progress === undefined || typeof value.progress === 'number') &&
    (value.note === undefined || typeof value.note === 'string')
  );
}

/** True when `value` has the shape of a `CheckpointSummary`. */
export function isCheckpointSummary(value: unknown): value is CheckpointSummary {
  return isCheckpoint(value) && isSeq((value as { dataSize?: unknown }).dataSize);
}

function checkServerMessage(data: Record<string, unknown>): string | undefined {
  switch (data.type) {
    case 'hello':
      return typeof data.protocol === 'number' && isObject(data.session) && isSeq(data.lastSeq)
        ? undefined
        : 'malformed hello';
    case 'batch':
      return Array.isArray(data.records) && data.records.every(isLogRecord) ? undefined : 'malformed batch';
    case 'checkpoint':
      if (data.op === 'upsert') return isCheckpoint(data.checkpoint) ? undefined : 'malformed checkpoint';
      if (data.op === 'summary') return isCheckpointSummary(data.checkpoint) ? undefined : 'malformed checkpoint';
      return data.op === 'delete' && typeof data.name === 'string' ? undefined : 'malformed checkpoint';
    case 'stats':
      return isObject(data.stats) ? undefined : 'malformed stats';
    case 'gap':
      return isSeq(data.from) &&
        isSeq(data.to) &&
        isSeq(data.count) &&
        (data.reason === 'evicted' || data.reason === 'dropped' || data.reason === 'skipped')
        ? undefined
        : 'malformed gap';
    case 'end':
      return typeof data.reason === 'string' && typeof data.at === 'number' ? undefined : 'malformed end';
    case 'health':
      return checkHealthMessage(data);
    case 'profile':
      return checkProfileMessage(data);
    default:
      return 'unknown message type';
  }
}

/** Parses a message from the dashboard server, checking its type and shape; a batch in the lines form comes back as a `batch`. */
export function parseServerMessage(raw: string): ParseResult<ServerMessage> {
  let data: unknown;
  try {
    data = raw.startsWith(LINES_HEAD) ? { type: 'batch', records: parseLines(raw) } : JSON.parse(raw);
  } catch {
    return fail('invalid JSON');
  }
  if (!isObject(data)) return fail('message is not an object');
  const problem = checkServerMessage(data);
  return problem ? fail(problem) : { ok: true, value: data as unknown as ServerMessage };
}

/**
 * The records of a batch in the lines form, parsed as one JSON array: one
 * parse is much cheaper than one per line, and JSON text holds no raw
 * newline, so every newline between records can become a comma.
 */
function parseLines(raw: string): unknown[] {
  const end = raw.endsWith('\n') ? raw.length - 1 : raw.length;
  if (end <= LINES_HEAD.length) return [];
  return JSON.parse(`[${raw.slice(LINES_HEAD.length, end).replaceAll('\n', ',')}]`) as unknown[];
}
