import type { LineBatch } from './line-batch.js';

/**
 * What the pipeline thread fans every batch and line out to: the session
 * file, the dashboard hub and each output are all consumers of the same
 * formatted batch.
 */
export interface Consumer {
  /** Takes a batch of records; returns at once. */
  take(batch: LineBatch): void;
  /** Takes a line of the session file other than records: a checkpoint change, a drop note, the end. */
  line(text: string): void;
  /** Finishes: delivers what it holds, waiting at most `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}
