import type { PackedRecords } from '../batch/packed.js';
import type { OutputStats } from './output.js';

/**
 * The logging thread's one way out: where the core hands every batch,
 * checkpoint change and drop note, in order. `PipelineClient` is the real
 * one (the pipeline thread); tests of the core's own logic use one in memory.
 */
export interface Pipeline {
  /** The session file being written, if any. */
  readonly file: string | undefined;
  /** Hands over a batch of records, in ascending `seq` order; returns at once. */
  records(packed: PackedRecords, firstSeq: number, lastSeq: number, count: number): void;
  /** Hands over a line of the session file other than records (a checkpoint change, a drop note), ending in `\n`. */
  line(text: string): void;
  /**
   * True while the pipeline is behind by more than its bounds: the core then
   * keeps records in its queues, where the overflow policy applies.
   */
  busy(): boolean;
  /** Resolves true once everything handed over is written and every output has taken it, false after `timeoutMs`. */
  flush(timeoutMs: number): Promise<boolean>;
  /** Blocks until everything handed over is written (not waiting for outputs); false after `timeoutMs`. */
  flushSync(timeoutMs: number): boolean;
  /** Writes the end line, closes every output (at most `timeoutMs`) and releases the thread. */
  close(end: string, timeoutMs: number): Promise<void>;
  /** The same without returning to the event loop: `process.exit()`, an uncaught exception, a signal. */
  closeSync(end: string, timeoutMs: number): void;
  /** The outputs' counters, as last reported. */
  outputs(): OutputStats[];
  /** Failed writes of the session file. */
  fileErrors(): number;
  /** Marks the logging thread's event loop as turning (its flush timer ran), for the pipeline thread to tell a busy program. */
  beat(): void;
  /** Tells which of SIGINT and SIGTERM the program listens for itself (`signalBit`): those it ends itself. */
  signalsHandled(mask: number): void;
  /** Records the session file is missing because its writes failed (each run of them marked by a gap line). */
  fileUnwritten(): number;
  /** Records handed over that the pipeline could not deliver anywhere (its thread died). */
  undelivered(): number;
}
