import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from '@pulselog/shared';
import { encodeEntry, type LogEntry, parseLog, type UpsertEntry } from './log-file.js';
import type { CheckpointMeta } from './validate.js';

/** The log is rewritten once it holds this many more entries than there are checkpoints. */
const COMPACT_SLACK = 1000;

/**
 * Durable named checkpoints, kept in one append-only log file
 * (`<dir>/checkpoints.log`). A save appends one checksummed line with a single
 * `write` (no rewrite of the file, no fsync: a killed process loses nothing
 * the kernel already has); reading keeps the last valid entry per name, so a
 * save cut short by `kill -9` leaves the previous state readable. Now and then
 * the log is compacted into a temporary file that atomically replaces it.
 */
export class CheckpointStore {
  /** The log file. */
  readonly file: string;
  private readonly entries = new Map<string, UpsertEntry>();
  private fd = -1;
  private lines = 0;
  /** Saves made by this process. */
  saved = 0;
  /** Writes that failed (the checkpoint is then kept in memory only). */
  errors = 0;

  constructor(dir: string) {
    this.file = join(dir, 'checkpoints.log');
    try {
      mkdirSync(dir, { recursive: true });
      this.fd = openSync(this.file, 'a+', 0o600);
      const parsed = parseLog(readFileSync(this.file));
      for (const entry of parsed.entries) this.apply(entry);
      this.lines = parsed.entries.length + parsed.damaged;
      // A line cut short by a crash would swallow the next append; cut it off.
      ftruncateSync(this.fd, parsed.completeBytes);
      if (this.lines > this.entries.size + COMPACT_SLACK) this.compact();
    } catch {
      this.errors++;
    }
  }

  private apply(entry: LogEntry): void {
    // Deleting and re-inserting keeps the map in save order, newest last.
    this.entries.delete(entry.name);
    if (entry.op === 'upsert') this.entries.set(entry.name, entry);
  }

  private append(entry: LogEntry): void {
    this.apply(entry);
    if (this.fd < 0) return;
    try {
      writeSync(this.fd, encodeEntry(entry));
      this.lines++;
      if (this.lines > this.entries.size * 2 + COMPACT_SLACK) this.compact();
    } catch {
      this.errors++;
    }
  }

  /** Saves `data` (already JSON text) under `name` and returns the checkpoint as stored. */
  save(name: string, data: string, meta: CheckpointMeta): Checkpoint {
    const entry: UpsertEntry = { op: 'upsert', name, ts: Date.now(), data, ...meta };
    this.append(entry);
    this.saved++;
    return toCheckpoint(entry);
  }

  /** The checkpoint saved under `name`, its data freshly parsed; `undefined` when there is none. */
  get(name: string): Checkpoint | undefined {
    const entry = this.entries.get(name);
    return entry ? toCheckpoint(entry) : undefined;
  }

  /** Names, most recently saved first. */
  names(): string[] {
    return [...this.entries.keys()].reverse();
  }

  /** Every checkpoint, oldest save first. */
  all(): Checkpoint[] {
    return [...this.entries.values()].map(toCheckpoint);
  }

  /** Removes a checkpoint; false when there was none by that name. */
  delete(name: string): boolean {
    if (!this.entries.has(name)) return false;
    this.append({ op: 'delete', name });
    return true;
  }

  /** Number of checkpoints. */
  get size(): number {
    return this.entries.size;
  }

  /** Rewrites the log with one line per checkpoint; a crash at any point leaves a complete log in place. */
  private compact(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    let fd = -1;
    try {
      fd = openSync(tmp, 'w', 0o600);
      let text = '';
      for (const entry of this.entries.values()) {
        text += encodeEntry(entry);
        if (text.length > 1 << 20) {
          writeSync(fd, text);
          text = '';
        }
      }
      writeSync(fd, text);
      // The rename must not become visible before the data it points at.
      fsyncSync(fd);
      closeSync(fd);
      fd = -1;
      renameSync(tmp, this.file);
      closeSync(this.fd);
      this.fd = openSync(this.file, 'a+', 0o600);
      this.lines = this.entries.size;
    } catch {
      this.errors++;
      if (fd >= 0) closeSync(fd);
    }
  }

  /** Closes the log file. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function toCheckpoint(entry: UpsertEntry): Checkpoint {
  const checkpoint: Checkpoint = { name: entry.name, data: JSON.parse(entry.data), ts: entry.ts };
  if (entry.status !== undefined) checkpoint.status = entry.status;
  if (entry.note !== undefined) checkpoint.note = entry.note;
  if (entry.progress !== undefined) checkpoint.progress = entry.progress;
  return checkpoint;
}
