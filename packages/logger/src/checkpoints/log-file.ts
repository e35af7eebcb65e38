import { crc32 } from 'node:zlib';
import { type CheckpointMeta, checkMeta } from './validate.js';

/**
 * The checkpoint log's line format: `<crc32 as 8 hex digits> <json>\n`. A
 * line cut short by a crash, or damaged, fails its checksum and is skipped;
 * every complete line before it still reads.
 */

/** One entry of the checkpoint log. */
export type LogEntry = UpsertEntry | { op: 'delete'; name: string };

/** A save: the checkpoint's metadata, and its data as JSON text (parsed afresh by every `load`). */
export interface UpsertEntry extends CheckpointMeta {
  op: 'upsert';
  name: string;
  ts: number;
  data: string;
}

/** Encodes an entry as one checksummed line, newline included. */
export function encodeEntry(entry: LogEntry): string {
  const json = JSON.stringify(entry);
  return `${hex(crc32(json))} ${json}\n`;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/** Entries read from a log file's text, and how much of the text ends in a complete line. */
export interface ParsedLog {
  entries: LogEntry[];
  /** Length in bytes of the text up to and including the last newline. */
  completeBytes: number;
  /** Lines that failed their checksum or shape check. */
  damaged: number;
}

/** Reads every valid entry of a checkpoint log, in order. Never throws. */
export function parseLog(buffer: Buffer): ParsedLog {
  const end = buffer.lastIndexOf(0x0a) + 1;
  const entries: LogEntry[] = [];
  let damaged = 0;
  const text = buffer.subarray(0, end).toString('utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const entry = parseLine(line);
    if (entry) entries.push(entry);
    else damaged++;
  }
  return { entries, completeBytes: end, damaged };
}

function parseLine(line: string): LogEntry | undefined {
  if (line.length < 10 || line[8] !== ' ') return undefined;
  const json = line.slice(9);
  if (line.slice(0, 8) !== hex(crc32(json))) return undefined;
  try {
    const value = JSON.parse(json) as Record<string, unknown>;
    if (typeof value.name !== 'string') return undefined;
    if (value.op === 'delete') return { op: 'delete', name: value.name };
    if (value.op === 'upsert' && typeof value.ts === 'number' && typeof value.data === 'string') {
      return { op: 'upsert', name: value.name, ts: value.ts, data: value.data, ...checkMeta(value.name, value) };
    }
  } catch {
    // Malformed JSON or metadata behind a matching checksum: skip the line all the same.
  }
  return undefined;
}
