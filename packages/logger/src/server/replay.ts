import { LINES_HEAD } from '@pulselog/shared';

/** A run of consecutive records as received from the pipeline, as its frame (`linesFrame` of `batch/packed.ts`). */
export interface Chunk {
  firstSeq: number;
  lastSeq: number;
  count: number;
  frame: Buffer;
}

/** A chunk as the buffer keeps it: its message, encoded once for every client. */
interface Stored {
  firstSeq: number;
  lastSeq: number;
  count: number;
  frame: Buffer;
}

/** What a reader gets from the buffer: records to send, or a range it can no longer have. */
export type ReplayItem =
  | {
      kind: 'records';
      /** A complete batch in the lines form (`LINES_HEAD`), UTF-8, to send as a text frame. */
      frame: Buffer;
      /** Number of records in it. */
      count: number;
      lastSeq: number;
    }
  | { kind: 'gap'; from: number; to: number };

const NEWLINE = 0x0a;
const OPEN_BRACE = 0x7b;
const LINES_HEAD_BYTES = Buffer.from(LINES_HEAD);

/**
 * The part of a batch frame holding records with seq greater than `seq`, as a
 * frame of its own, with how many records it holds; `undefined` when none.
 */
export function frameAfter(frame: Buffer, seq: number): { frame: Buffer; count: number } | undefined {
  let start = -1;
  let count = 0;
  // Each record line starts right after a newline with `{"seq":N,`; the head line ends in the first newline.
  for (let pos = frame.indexOf(NEWLINE); pos >= 0; pos = frame.indexOf(NEWLINE, pos + 1)) {
    if (frame[pos + 1] !== OPEN_BRACE) continue;
    if (start < 0) {
      const lineSeq = Number.parseInt(frame.toString('latin1', pos + 8, pos + 26), 10);
      if (lineSeq <= seq) continue;
      start = pos + 1;
    }
    count++;
  }
  if (start < 0) return undefined;
  return { frame: Buffer.concat([LINES_HEAD_BYTES, frame.subarray(start)]), count };
}

/**
 * Consecutive batch frames as one: the first whole, the records of the others
 * after it without their head. A tab then takes a burst of records as one
 * message instead of one per chunk the pipeline handed over.
 */
export function joinFrames(frames: readonly Buffer[]): Buffer {
  if (frames.length === 1) return frames[0] as Buffer;
  return Buffer.concat(frames.map((frame, i) => (i === 0 ? frame : frame.subarray(LINES_HEAD_BYTES.length))));
}

/**
 * The hub's bounded memory of recent records. Holds whole chunks, drops the
 * oldest first when either bound is passed, and answers "everything after
 * seq N" with the records still held plus an explicit gap for what is gone.
 * Chunks are kept as encoded messages: one encoding serves every
 * client, and the bytes live outside the JavaScript heap.
 */
export class ReplayBuffer {
  private chunks: Stored[] = [];
  private head = 0;
  private records = 0;
  private bytes = 0;
  /** Highest sequence number ever appended. */
  lastSeq = 0;
  /** Highest sequence number that has been evicted. */
  evictedThrough = 0;

  constructor(
    readonly maxRecords: number,
    readonly maxBytes: number,
  ) {}

  /** Appends a chunk and evicts the oldest ones beyond the bounds. */
  append(chunk: Chunk): void {
    const stored: Stored = {
      firstSeq: chunk.firstSeq,
      lastSeq: chunk.lastSeq,
      count: chunk.count,
      frame: chunk.frame,
    };
    this.chunks.push(stored);
    this.records += stored.count;
    this.bytes += stored.frame.length;
    this.lastSeq = stored.lastSeq;
    while (this.head < this.chunks.length - 1 && (this.records > this.maxRecords || this.bytes > this.maxBytes)) {
      const old = this.chunks[this.head] as Stored;
      this.chunks[this.head++] = undefined as unknown as Stored;
      this.records -= old.count;
      this.bytes -= old.frame.length;
      this.evictedThrough = old.lastSeq;
    }
    // Compact now and then so the array does not grow with every chunk ever seen.
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Counters for stats. */
  usage(): { records: number; bytes: number; firstSeq: number; lastSeq: number } {
    const first = this.chunks[this.head];
    return { records: this.records, bytes: this.bytes, firstSeq: first ? first.firstSeq : 0, lastSeq: this.lastSeq };
  }

  /**
   * Everything after `afterSeq`, oldest first, about `maxBytes` per call so a
   * caller can pace itself (at least one item when there is anything).
   */
  read(afterSeq: number, maxBytes = Number.POSITIVE_INFINITY): ReplayItem[] {
    const items: ReplayItem[] = [];
    let from = afterSeq;
    if (from < this.evictedThrough) {
      items.push({ kind: 'gap', from: from + 1, to: this.evictedThrough });
      from = this.evictedThrough;
    }
    let budget = maxBytes;
    for (let i = this.firstChunkAfter(from); i < this.chunks.length && budget > 0; i++) {
      const chunk = this.chunks[i] as Stored;
      const part = chunk.firstSeq > from ? chunk : frameAfter(chunk.frame, from);
      if (!part) continue;
      items.push({ kind: 'records', frame: part.frame, count: part.count, lastSeq: chunk.lastSeq });
      budget -= part.frame.length;
    }
    return items;
  }

  private firstChunkAfter(seq: number): number {
    // Binary search over the live chunks for the first whose lastSeq > seq.
    let lo = this.head;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.chunks[mid] as Stored).lastSeq > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
