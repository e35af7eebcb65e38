/**
 * A record parsed from a line of someone else's log, and its line tail: the
 * form `Logger[INGEST]` queues (`,"level":…}`, as `batch/packed.ts` says).
 */
import type { LevelName, SerializedError } from '@pulselog/shared';

/** One record read from lines: its first line parsed, and any lines folded into it. */
export interface ParsedRecord {
  /** Milliseconds since the epoch: the line's own time, or when it was read. */
  time: number;
  level: LevelName;
  /** True when the line said its level (a JSON key, a level word); false when it is the stream's default. */
  levelGiven: boolean;
  msg: string;
  fields: Record<string, unknown> | undefined;
  err: SerializedError | undefined;
}

/**
 * The tail of `record`'s line, with the source when given: `sourceJson` is
 * its name as JSON text (`JSON.stringify(name)`), made once for a stream's
 * every record.
 */
export function recordTail(record: ParsedRecord, sourceJson: string | undefined): string {
  let tail = `,"level":"${record.level}","msg":${JSON.stringify(record.msg)}`;
  if (sourceJson !== undefined) tail += `,"source":${sourceJson}`;
  if (record.fields !== undefined) tail += `,"fields":${JSON.stringify(record.fields)}`;
  if (record.err !== undefined) tail += `,"err":${JSON.stringify(record.err)}`;
  return `${tail}}`;
}
