import type { LogRecord } from '@pulselog/shared';
import { FieldColumns } from './columns.js';
import { grown } from './grow.js';
import type { PackedRecords } from './pack.js';
import { TextIndex } from './textindex.js';

/** Parsed records kept for the rows and the detail panel, before the cache starts over. */
const CACHE_SIZE = 4096;

interface Run {
  first: number;
  lines: string;
  lineStarts: Uint32Array;
}

/**
 * Every record of a session, packed: sequence numbers, times and levels as
 * columns, the records' JSON lines by runs as they were received, their search text (`TextIndex`)
 * and their top-level fields as columns (`FieldColumns`). A record becomes an
 * object only when asked for (`get`), which the page does for the rows in
 * view, so a million records are a few thousand objects to the garbage
 * collector instead of millions.
 */
export class RecordStore {
  /** Each record's sequence number. */
  seqs = new Float64Array(1024);
  /** Each record's time. */
  times = new Float64Array(1024);
  /** Each record's level code (`levelCode`). */
  levelCodes = new Uint8Array(1024);
  /** Lower-cased search text of each record. */
  readonly texts = new TextIndex();
  /** Top-level fields as columns. */
  readonly fields = new FieldColumns();
  /**
   * Changes whenever records held are removed (evicted or cleared): an index
   * counted before then may no longer be the same record.
   */
  epoch = 0;
  private runs: Run[] = [];
  private count = 0;
  private cache = new Map<number, LogRecord>();
  private held = Number.POSITIVE_INFINITY;

  /**
   * Most records the store is made to hold (its owner evicts before going
   * past it, see `SessionModel`): columns grow no longer than this, so a
   * capped store's arrays stop growing once full.
   */
  get limit(): number {
    return this.held;
  }

  set limit(records: number) {
    this.held = records;
    this.fields.limit = records;
  }

  /** Records held. */
  get size(): number {
    return this.count;
  }

  /** Sequence number of the newest record held, or 0. */
  get lastSeq(): number {
    return this.count > 0 ? (this.seqs[this.count - 1] as number) : 0;
  }

  /**
   * Makes room ahead of need, one column per call: when any column is more
   * than half full, it grows that one and returns true. Called between runs
   * (`Ingest`), it spreads copying a million-record column over tasks of
   * their own, instead of growing every column at once inside one `append`.
   */
  prepare(): boolean {
    // Twice what is held, grown to four times: a column copied now lasts until the records double.
    const want = Math.min(Math.max(1024, this.count * 2), Math.max(this.held, this.count));
    const size = Math.min(want * 2, Math.max(this.held, want));
    if (this.seqs.length < want) this.seqs = grown(this.seqs, size, this.count, Float64Array);
    else if (this.times.length < want) this.times = grown(this.times, size, this.count, Float64Array);
    else if (this.levelCodes.length < want) this.levelCodes = grown(this.levelCodes, size, this.count, Uint8Array);
    else return this.fields.prepare(want, size, this.count);
    return true;
  }

  /** Adds a run of records, which must follow the ones held. */
  append(packed: PackedRecords): void {
    if (packed.count === 0) return;
    const start = this.count;
    const end = start + packed.count;
    const length = Math.min(end * 2, Math.max(end, this.held));
    if (end > this.seqs.length) this.seqs = grown(this.seqs, length, start, Float64Array);
    if (end > this.times.length) this.times = grown(this.times, length, start, Float64Array);
    if (end > this.levelCodes.length) this.levelCodes = grown(this.levelCodes, length, start, Uint8Array);
    this.seqs.set(packed.seqs, start);
    this.times.set(packed.times, start);
    this.levelCodes.set(packed.levels, start);
    this.runs.push({ first: start, lines: packed.lines, lineStarts: packed.lineStarts });
    this.texts.addRun(packed.text, packed.textStarts, packed.count);
    this.fields.append(packed);
    this.count = end;
  }

  /**
   * Forgets the oldest `count` records: record `count` becomes record 0. It
   * moves every column once, so its owner calls it for a large chunk at a
   * time, which keeps the cost per record small (`SessionModel`).
   */
  evict(count: number): void {
    const k = Math.min(count, this.count);
    if (k <= 0) return;
    this.epoch++;
    this.seqs.copyWithin(0, k, this.count);
    this.times.copyWithin(0, k, this.count);
    this.levelCodes.copyWithin(0, k, this.count);
    let gone = 0;
    while (gone + 1 < this.runs.length && (this.runs[gone + 1] as Run).first <= k) gone++;
    if (k === this.count) gone = this.runs.length;
    // A run cut in two keeps its text (one run's worth) until all of it is gone; its `first` turns negative.
    this.runs = this.runs.slice(gone);
    for (const run of this.runs) run.first -= k;
    this.cache = new Map();
    this.texts.evict(k);
    this.fields.evict(k);
    this.count -= k;
  }

  /** Forgets every record. */
  clear(): void {
    this.epoch++;
    this.count = 0;
    this.runs = [];
    this.cache = new Map();
    this.texts.clear();
    this.fields.clear();
  }

  /** Record `index`, parsed once and kept while it is among the recently asked for. */
  get(index: number): LogRecord | undefined {
    let record = this.cache.get(index);
    if (record) return record;
    record = this.parse(index);
    if (!record) return undefined;
    if (this.cache.size >= CACHE_SIZE) this.cache = new Map();
    this.cache.set(index, record);
    return record;
  }

  /** Record `index`, parsed anew and not kept: for scans over many records. */
  parse(index: number): LogRecord | undefined {
    const json = this.json(index);
    return json === undefined ? undefined : (JSON.parse(json) as LogRecord);
  }

  /** The JSON text of record `index`, as it was received. */
  json(index: number): string | undefined {
    if (index < 0 || index >= this.count) return undefined;
    const run = this.runs[this.runOf(index)] as Run;
    const j = index - run.first;
    return run.lines.slice(run.lineStarts[j], (run.lineStarts[j + 1] as number) - 1);
  }

  /**
   * The JSON lines of records `from..to-1`, in pieces of whole runs (the
   * first and last cut to the range); joined, they are JSON lines again.
   */
  lines(from: number, to: number): string[] {
    const pieces: string[] = [];
    const end = Math.min(to, this.count);
    for (let r = this.runOf(Math.max(0, from)); r < this.runs.length; r++) {
      const run = this.runs[r] as Run;
      if (run.first >= end) break;
      const runEnd = r + 1 < this.runs.length ? (this.runs[r + 1] as Run).first : this.count;
      const a = Math.max(from, run.first) - run.first;
      const b = Math.min(end, runEnd) - run.first;
      const whole = a === 0 && b === runEnd - run.first;
      pieces.push(whole ? run.lines : run.lines.slice(run.lineStarts[a], run.lineStarts[b]));
    }
    return pieces;
  }

  /** Index of the record with sequence number `seq`, or of the first one after it. */
  indexOfSeq(seq: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.seqs[mid] as number) < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private runOf(index: number): number {
    let lo = 0;
    let hi = this.runs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((this.runs[mid] as Run).first <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
