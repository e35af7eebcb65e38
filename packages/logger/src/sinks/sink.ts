import type { CheckpointMessage, EndMessage } from '@pulselog/shared';
import type { PackedRecords } from '../core/packed.js';

/**
 * Characters of records a sink may have handed to its own thread and not yet
 * seen taken in (as sent: `PackedRecords.sent`, for the session recorder),
 * beyond which it reports itself busy. Bursts far faster than a sink's thread
 * wait there, outside the JavaScript heap, rather than in the logger's
 * queues, where they would overflow; past it the queues hold them. Sized for
 * a burst of large records: a quarter of a million different 1 kB objects.
 */
export const MAX_IN_FLIGHT_CHARS = 256 * 1024 * 1024;

/**
 * Characters of lines a sink's thread may have yet to write, counted in full
 * (a tail sent once for many records counts for each), beyond which it
 * reports itself busy too. `MAX_IN_FLIGHT_CHARS` bounds memory, and a failure
 * logged over and over takes little of it; this bounds the work waiting, and
 * so the last wait at exit: about two to three seconds of writing here. Half
 * a million 1.5 kB errors logged in a second, about 750 M characters, fit.
 */
export const MAX_IN_FLIGHT_WORK = 1024 * 1024 * 1024;

/** A run of records leaving the logger, serialized once for every sink. */
export interface Batch {
  /** JSON lines, each ending in `\n`, in ascending `seq` order. */
  readonly lines: string;
  /**
   * The same records packed (see `formatPacked`): what a sink that hands
   * records to a thread of its own should send, so that the logging thread
   * never builds the lines.
   */
  readonly packed: PackedRecords;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly count: number;
}

/**
 * Where batches go: the session recorder, the dashboard, later backends. A
 * sink must return at once from every method but `close`, and never throw;
 * the flusher counts what a sink throws anyway and carries on with the others.
 */
export interface Sink {
  /** Short name for stats and messages. */
  readonly name: string;
  /** Takes a batch; must not block on I/O. */
  write(batch: Batch): void;
  /** Takes a checkpoint change. */
  checkpoint?(message: CheckpointMessage): void;
  /** Learns that records in `from..to` were dropped before they could be written. */
  dropped?(from: number, to: number, count: number): void;
  /** Writes what is pending, waits until it is delivered (or `timeoutMs` passes), then releases resources. */
  close(end: EndMessage, timeoutMs: number): Promise<void>;
  /**
   * True while the sink cannot take more without its backlog passing its
   * bound. The logger then keeps records in its queues, where the overflow
   * policy applies. A sink without it never holds records back.
   */
  busy?(): boolean;
  /** Resolves true once everything written so far is delivered, false after `timeoutMs`. */
  flush?(timeoutMs: number): Promise<boolean>;
  /** Blocks until everything written so far is delivered; false after `timeoutMs`. Used by overflow `block`. */
  flushSync?(timeoutMs: number): boolean;
  /** Ends synchronously: the path taken at `process.exit()`, uncaught exceptions and signals. */
  closeSync?(end: EndMessage, timeoutMs: number): void;
  /** Delivery failures the sink counted itself (the logger counts what its methods throw). */
  errors?(): number;
}
