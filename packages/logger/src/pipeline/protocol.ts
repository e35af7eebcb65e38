/**
 * What passes between the logging thread and the pipeline thread: the data
 * the thread starts with, the messages each way, and the shared counters the
 * logging thread reads (or waits on with `Atomics.wait`) without its event loop.
 */
import type { MessagePort } from 'node:worker_threads';
import type { LevelName } from '@pulselog/shared';
import type { PackedRecords } from '../batch/packed.js';
import type { JoinFeedData } from '../join/sender.js';
import type { OutputStats } from './output.js';

/**
 * Slots of the shared `Int32Array` (`PipelineData.sab`): the thread's state;
 * messages, characters (`PackedRecords.chars`) and characters as sent
 * (`PackedRecords.sent`) it has taken in (written to the file and fanned
 * out); what the logging thread posted, counted the same two ways; write
 * errors of the session file; characters of lines fed to the hub; 1 once the
 * thread has closed every output; records the session file is missing for
 * failed writes; the signal the thread heard and told the logging thread of,
 * until that thread takes it up (0 then); the signals the program has
 * listeners of its own for (`signalBit`); the time (`Date.now() | 0`) the
 * logging thread's flush timer last ran, which it does every
 * `flushIntervalMs` unless the thread is busy. Counters wrap at 2^32.
 */
export const SLOT = {
  state: 0,
  messages: 1,
  chars: 2,
  sent: 3,
  postedChars: 4,
  postedSent: 5,
  fileErrors: 6,
  fed: 7,
  closed: 8,
  fileUnwritten: 9,
  signal: 10,
  handled: 11,
  beat: 12,
} as const;
/** Slots in all. */
export const SLOTS = 13;

/** Values of the `state` slot; `failing`: the file is open but its writes fail, so it holds nothing for now. */
export const STATE = { starting: 0, open: 1, noFile: 2, failing: 3 } as const;

/** An output as the pipeline thread loads it: `OutputSpec` resolved at setup. */
export interface ResolvedOutput {
  /** A `file:` URL, or a package name to resolve from `cwd`. */
  target: string;
  options: unknown;
  /** Lowest level it receives, or `undefined` for all. */
  level: LevelName | undefined;
  name: string;
  maxBacklogChars: number;
}

/** Where the pipeline thread feeds the dashboard hub. */
export interface HubFeedData {
  /** The pipeline's end of the channel to the hub's thread. */
  port: MessagePort;
  /** The hub's progress counters (`HubOptions.progress`). */
  progress: SharedArrayBuffer;
  /** Slot of `progress` counting the characters of lines the hub took in. */
  takenSlot: number;
  /**
   * Characters of lines the hub may be behind before it is passed over while
   * a session file holds the records (it gets a `skipped` note instead).
   * Without a file the hub is never passed over: the logging thread holds
   * records in its queues instead (see `PipelineClient.busy`).
   */
  maxBehind: number;
}

/** What the pipeline thread is started with. */
export interface PipelineData {
  sab: SharedArrayBuffer;
  /** The session file to write, or `undefined` for none. */
  file: string | undefined;
  /** The session file's first line. */
  header: string;
  /** The logger's name: old recordings are pruned per name, `keepSessions` of each. */
  name: string;
  keepSessions: number;
  /** How often the logging thread's flush timer runs (`SLOT.beat`) while its event loop turns. */
  flushIntervalMs: number;
  /** The working directory output targets resolve from. */
  cwd: string;
  outputs: ResolvedOutput[];
  hub?: HubFeedData;
  /** The dashboard this logger joined, in place of `file` and `hub` (see `join/`). */
  join?: JoinFeedData;
  /**
   * The logger's bounds on what the pipeline may be behind (posted, not yet
   * taken in): characters of lines, and characters as sent. Past either, the
   * hub is passed over likewise: on a machine too busy for both, the file
   * comes first.
   */
  bounds: { chars: number; sent: number };
}

/** Messages from the logging thread to the pipeline thread. */
export type ToPipeline =
  /** A batch of records. */
  | PackedRecords
  /** A line of the session file other than records: a checkpoint change, a drop note. */
  | { t: 'line'; text: string }
  /** Answer `flushed` with `id` once every output has taken everything posted before. */
  | { t: 'flush'; id: number }
  /** The end line: write it, close every output (waiting at most `timeoutMs`), then set `SLOT.closed`. */
  | { t: 'end'; text: string; timeoutMs: number };

/** Messages from the pipeline thread to the logging thread. */
export type FromPipeline =
  /** The session file could not be opened or written: said once on stderr. */
  | { t: 'file-error'; message: string }
  /** The dashboard this logger joined could not be reached or went away: said once on stderr. */
  | { t: 'join-error'; message: string }
  /** An output failed for the first time (later failures are only counted). */
  | { t: 'output-error'; name: string; message: string }
  /** Output counters changed. */
  | { t: 'stats'; outputs: OutputStats[] }
  | { t: 'flushed'; id: number; ok: boolean; outputs: OutputStats[] }
  /**
   * The process got SIGINT or SIGTERM: end the session and re-raise it (or
   * flush, if the program listens for it). Unless the logging thread takes it
   * up within `SIGNAL_GRACE_MS` (it is busy), the pipeline thread ends the process itself.
   */
  /** `handled`: the program listened for the signal itself when it came, so the program decides. */
  | { t: 'signal'; signal: 'SIGINT' | 'SIGTERM'; handled: boolean }
  /** This Node offers the pipeline thread no way to watch signals: the logging thread listens for them itself. */
  | { t: 'signals-unwatched' }
  | { t: 'closed'; outputs: OutputStats[] };
