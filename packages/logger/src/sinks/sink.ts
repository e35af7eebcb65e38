import type { CheckpointMessage, EndMessage } from '@pulselog/shared';

/** A run of records leaving the logger, already serialized once for every sink. */
export interface Batch {
  /** JSON lines, each ending in `\n`, in ascending `seq` order. */
  lines: string;
  firstSeq: number;
  lastSeq: number;
  count: number;
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
