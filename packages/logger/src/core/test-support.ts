import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointMessage, LogRecord } from '@pulselog/shared';
import type { LoggerSetup } from '../logger.js';
import type { Batch, Sink } from '../sinks/sink.js';

/**
 * A sink that keeps everything in memory, for tests. Setting `holding` makes
 * it report itself busy, as a sink whose downstream cannot keep up would.
 */
export class MemorySink implements Sink {
  readonly name = 'memory';
  readonly lines: string[] = [];
  readonly batches: Batch[] = [];
  readonly drops: { from: number; to: number; count: number }[] = [];
  readonly checkpoints: CheckpointMessage[] = [];
  holding = false;
  /** What `flushSync` does; by default, nothing (everything was delivered at `write`). */
  onFlushSync: () => void = () => {};

  write(batch: Batch): void {
    this.batches.push(batch);
    for (const line of batch.lines.split('\n')) if (line !== '') this.lines.push(line);
  }

  busy(): boolean {
    return this.holding;
  }

  flushSync(): boolean {
    this.onFlushSync();
    return true;
  }

  dropped(from: number, to: number, count: number): void {
    this.drops.push({ from, to, count });
  }

  checkpoint(message: CheckpointMessage): void {
    this.checkpoints.push(message);
  }

  async close(): Promise<void> {}

  /** Every line received, parsed. */
  records(): LogRecord[] {
    return this.lines.map((line) => JSON.parse(line) as LogRecord);
  }
}

/** Options for a logger that writes nowhere but `sink`, with its state in a fresh temporary folder. */
export function testSetup(sink: Sink, more: LoggerSetup = {}): LoggerSetup {
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-test-'));
  return {
    dashboard: false,
    sessionDir: false,
    checkpointPath: join(dir, 'checkpoints'),
    sinks: [sink],
    ...more,
  };
}
