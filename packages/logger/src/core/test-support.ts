import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointMessage, LogRecord } from '@pulselog/shared';
import { formatPacked } from '../batch/format.js';
import type { PackedRecords } from '../batch/packed.js';
import { type LoggerSetup, PIPELINE_FOR_TESTS } from '../logger.js';
import type { OutputStats } from '../pipeline/output.js';
import type { Pipeline } from '../pipeline/pipeline.js';

/**
 * A pipeline that keeps everything in memory, for tests of the core's own
 * logic (queues, merging, overflow). Setting `holding` makes it report itself
 * busy, as a pipeline whose thread cannot keep up would.
 */
export class MemoryPipeline implements Pipeline {
  readonly file = undefined;
  readonly lines: string[] = [];
  readonly batches: { packed: PackedRecords; lines: string; count: number }[] = [];
  readonly drops: { from: number; to: number; count: number }[] = [];
  readonly checkpoints: CheckpointMessage[] = [];
  holding = false;
  /** What `flushSync` does; by default, nothing (everything was delivered at `records`). */
  onFlushSync: () => void = () => {};

  records(packed: PackedRecords, _firstSeq: number, _lastSeq: number, count: number): void {
    const lines = formatPacked(packed);
    this.batches.push({ packed, lines, count });
    for (const line of lines.split('\n')) if (line !== '') this.lines.push(line);
  }

  line(text: string): void {
    const parsed = JSON.parse(text) as { type: string; from: number; to: number; count: number };
    if (parsed.type === 'gap') this.drops.push({ from: parsed.from, to: parsed.to, count: parsed.count });
    else if (parsed.type === 'checkpoint') this.checkpoints.push(parsed as unknown as CheckpointMessage);
  }

  busy(): boolean {
    return this.holding;
  }

  flushSync(): boolean {
    this.onFlushSync();
    return true;
  }

  async flush(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}

  closeSync(): void {}

  outputs(): OutputStats[] {
    return [];
  }

  fileErrors(): number {
    return 0;
  }

  fileUnwritten(): number {
    return 0;
  }

  signalsHandled(): void {}

  beat(): void {}

  undelivered(): number {
    return 0;
  }

  /** Every line received, parsed. */
  parsed(): LogRecord[] {
    return this.lines.map((line) => JSON.parse(line) as LogRecord);
  }
}

/** Options for a logger with the real pipeline thread, no dashboard, and its state in a fresh temporary folder. */
export function folderSetup(more: LoggerSetup = {}): LoggerSetup {
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-test-'));
  return { dashboard: false, sessionDir: join(dir, 'sessions'), checkpointPath: join(dir, 'checkpoints'), ...more };
}

/** Options for a logger that writes nowhere but `pipeline`, with its state in a fresh temporary folder. */
export function testSetup(pipeline: MemoryPipeline, more: LoggerSetup = {}): LoggerSetup {
  return { ...folderSetup({ sessionDir: false }), [PIPELINE_FOR_TESTS]: pipeline, ...more } as LoggerSetup;
}
