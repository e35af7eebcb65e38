import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Checkpoint, LogRecord, SessionInfo } from '@pulselog/shared';
import { isBeingWritten, readRecording } from '../sessions/retention.js';

/**
 * Reads session recordings (`.pulselog/sessions/*.ndjson`) line by line, for
 * tools that answer questions about past and running sessions. A running
 * program's pipeline appends to its recording as records come, so reading the
 * file reads the live session up to its last batch.
 */

/** A recording as `list` describes it. */
export interface SessionEntry {
  /** The session's id (from its header), or the file's name. */
  id: string;
  name: string;
  file: string;
  startedAt: number;
  /** True while the program that writes it still runs. */
  live: boolean;
  /** True once its end line was written. */
  ended: boolean;
}

/** The lines of a recording other than records, as they were written. */
export interface OtherLine {
  type: string;
  [key: string]: unknown;
}

/** What a recording holds, read in one pass (`readSession`). */
export interface SessionVisitor {
  header?(session: SessionInfo): void;
  /** A record; return `false` to stop reading. */
  record?(record: LogRecord): boolean | undefined;
  checkpoint?(checkpoint: Checkpoint, op: string): void;
  other?(line: OtherLine): void;
}

/** The recordings in `dir`, newest first. */
export function listSessions(dir: string): SessionEntry[] {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
  } catch {
    return [];
  }
  const entries: SessionEntry[] = [];
  const now = Date.now();
  for (const f of files) {
    const recording = readRecording(join(dir, f));
    if (!recording) continue;
    entries.push({
      id: f.replace(/\.ndjson$/, ''),
      name: recording.name,
      file: recording.file,
      startedAt: recording.startedAt,
      live: !recording.ended && isBeingWritten(recording, now),
      ended: recording.ended,
    });
  }
  return entries.sort((a, b) => b.startedAt - a.startedAt);
}

/**
 * Reads `file` from the start, handing each line to `visitor`; a line that is
 * not JSON (a write cut short by a crash, say) is skipped. Streams: a
 * recording of any size costs one line of memory at a time.
 */
export async function readSession(file: string, visitor: SessionVisitor): Promise<void> {
  const stream = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) {
      if (line.length === 0) continue;
      let value: Record<string, unknown>;
      try {
        value = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (typeof value !== 'object' || value === null) continue;
      if (typeof value.seq === 'number') {
        if (visitor.record?.(value as unknown as LogRecord) === false) break;
      } else if (value.type === 'session') {
        visitor.header?.(value.session as SessionInfo);
      } else if (value.type === 'checkpoint') {
        const checkpoint = value.checkpoint as Checkpoint | undefined;
        if (checkpoint) visitor.checkpoint?.(checkpoint, String(value.op ?? 'upsert'));
        else if (typeof value.name === 'string')
          visitor.checkpoint?.({ name: value.name, data: null, ts: 0 }, String(value.op));
      } else if (typeof value.type === 'string') {
        visitor.other?.(value as OtherLine);
      }
    }
  } finally {
    lines.close();
    stream.destroy();
  }
}
