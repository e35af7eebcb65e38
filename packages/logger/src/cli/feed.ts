/**
 * One stream of someone else's log lines into a logger: bytes split into
 * lines (junk made safe and counted), lines folded into records, records
 * queued with their own times, levels, fields and source. The thin adapter
 * around the pure `lines/` core.
 */
import type { LevelName } from '@pulselog/shared';
import { INGEST, type Ingest } from '../ingest.js';
import { LineFolder } from '../lines/fold.js';
import { type ParsedRecord, recordTail } from '../lines/record.js';
import { LineSplitter, type SplitLine } from '../lines/split.js';
import type { Logger } from '../logger.js';

/** How long a record may stay open, waiting for lines that would continue it, once its stream is quiet. */
export const QUIET_MS = 150;

/** A stream's name on its records, and the level of its lines that name none. */
export interface FeedOptions {
  /** The records' `source`: a file name, a command, `stdin`. */
  source: string;
  /** `info`, or `warning` for a program's stderr. */
  defaultLevel: LevelName;
  /** Longest line kept whole, in bytes. */
  maxLine?: number;
}

/** Marks a record whose line was junk, so that the tab shows what happened to it. */
function markJunk(record: ParsedRecord, line: SplitLine): void {
  if (line.cutBytes === 0 && !line.invalidUtf8 && !line.binary) return;
  record.fields ??= {};
  const fields = record.fields;
  if (line.cutBytes > 0) fields.cut_bytes = line.cutBytes;
  if (line.invalidUtf8) fields.invalid_utf8 = true;
  if (line.binary) fields.binary = true;
}

/**
 * Feeds one stream's bytes to a logger as records (see the module comment).
 * `write` takes each chunk as it comes; `end` closes the last record.
 */
export class LineFeed {
  /** Lines read, and records queued. */
  lines = 0;
  records = 0;
  private readonly splitter: LineSplitter;
  private readonly folder: LineFolder;
  private readonly ingest: Ingest;
  /** The source's name as JSON text, for every record's tail. */
  private readonly sourceJson: string;
  private times: number[] = [];
  private tails: string[] = [];
  private lastWrite = 0;
  private quietTimer: NodeJS.Timeout | undefined;

  constructor(log: Logger, options: FeedOptions) {
    this.splitter = new LineSplitter(options.maxLine);
    this.folder = new LineFolder({ defaultLevel: options.defaultLevel });
    this.ingest = log[INGEST](`lines:${options.source}`);
    this.sourceJson = JSON.stringify(options.source);
  }

  /** Lines cut, not UTF-8 or binary, so far. */
  get junk() {
    return this.splitter.junk;
  }

  /** Takes a chunk of the stream. */
  write(chunk: Buffer): void {
    const now = Date.now();
    this.lastWrite = now;
    for (const line of this.splitter.push(chunk)) this.take(line, now);
    this.send();
    // A record left open is closed once the stream has been quiet a while: a program that logs one line and waits shows it.
    if (this.folder.holding && this.quietTimer === undefined) {
      this.quietTimer = setTimeout(this.onQuiet, QUIET_MS);
      this.quietTimer.unref();
    }
  }

  /** The stream ended (or a followed file was rotated away): its last line and its open record are queued. */
  end(): void {
    clearTimeout(this.quietTimer);
    this.quietTimer = undefined;
    const last = this.splitter.end();
    if (last !== undefined) this.take(last, Date.now());
    this.close(this.folder.end());
    this.send();
  }

  private readonly onQuiet = () => {
    this.quietTimer = undefined;
    if (!this.folder.holding) return;
    const quietFor = Date.now() - this.lastWrite;
    if (quietFor < QUIET_MS) {
      this.quietTimer = setTimeout(this.onQuiet, QUIET_MS - quietFor);
      this.quietTimer.unref();
      return;
    }
    this.close(this.folder.end());
    this.send();
  };

  private take(line: SplitLine, now: number): void {
    this.lines++;
    const closed = this.folder.push(line.text, now);
    this.close(closed);
    // The flags go on the record holding the line: its own, or the one it was folded into.
    if (line.cutBytes > 0 || line.invalidUtf8 || line.binary) this.markOpen(line);
  }

  private markOpen(line: SplitLine): void {
    const open = this.folder.peek();
    if (open !== undefined) markJunk(open, line);
  }

  private close(record: ParsedRecord | undefined): void {
    if (record === undefined) return;
    this.times.push(record.time);
    this.tails.push(recordTail(record, this.sourceJson));
  }

  private send(): void {
    if (this.tails.length === 0) return;
    this.records += this.tails.length;
    this.ingest(this.times, this.tails);
    this.times = [];
    this.tails = [];
  }
}

/** Records waiting in the logger's queues. */
function backlog(log: Logger): number {
  let waiting = 0;
  for (const queue of log.stats().queues) waiting += queue.size;
  return waiting;
}

/**
 * Resolves once the logger's queues have room for more: a reader that
 * awaits it between chunks reads no faster than records are written, and
 * a full queue never drops what a file or a pipe would give again.
 */
export async function roomInQueues(log: Logger): Promise<void> {
  const high = log.config.queueSize / 2;
  if (backlog(log) < high) return;
  while (backlog(log) > high / 2) await new Promise((resolve) => setTimeout(resolve, 2));
}
