/** A run of consecutive records as received from the logger. */
export interface Chunk {
  firstSeq: number;
  lastSeq: number;
  count: number;
  /** JSON lines, each ending in `\n`. */
  lines: string;
}

/** What a reader gets from the buffer: records to send, or a range it can no longer have. */
export type ReplayItem =
  | {
      kind: 'records';
      /** JSON lines, each ending in `\n`. */
      lines: string;
      /** Number of lines. */
      count: number;
      lastSeq: number;
    }
  | { kind: 'gap'; from: number; to: number };

/**
 * The hub's bounded memory of recent records. Holds whole chunks, drops the
 * oldest first when either bound is passed, and answers "everything after
 * seq N" with the records still held plus an explicit gap for what is gone.
 */
export class ReplayBuffer {
  private chunks: Chunk[] = [];
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
    this.chunks.push(chunk);
    this.records += chunk.count;
    this.bytes += chunk.lines.length;
    this.lastSeq = chunk.lastSeq;
    while (this.head < this.chunks.length - 1 && (this.records > this.maxRecords || this.bytes > this.maxBytes)) {
      const old = this.chunks[this.head] as Chunk;
      this.chunks[this.head++] = undefined as unknown as Chunk;
      this.records -= old.count;
      this.bytes -= old.lines.length;
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
   * Everything after `afterSeq`, oldest first, at most `maxBytes` of lines per
   * call so a caller can pace itself; returns the items and the seq reached.
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
      const chunk = this.chunks[i] as Chunk;
      const whole = chunk.firstSeq > from;
      const lines = whole ? chunk.lines : linesAfter(chunk.lines, from);
      if (lines.length === 0) continue;
      items.push({ kind: 'records', lines, count: whole ? chunk.count : countLines(lines), lastSeq: chunk.lastSeq });
      budget -= lines.length;
    }
    return items;
  }

  private firstChunkAfter(seq: number): number {
    // Binary search over the live chunks for the first whose lastSeq > seq.
    let lo = this.head;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.chunks[mid] as Chunk).lastSeq > seq) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** The lines of a chunk whose seq is greater than `seq`; lines start with `{"seq":N,`. */
export function linesAfter(lines: string, seq: number): string {
  let pos = 0;
  while (pos < lines.length) {
    const lineSeq = Number.parseInt(lines.slice(pos + 7, pos + 24), 10);
    if (lineSeq > seq) return lines.slice(pos);
    const next = lines.indexOf('\n', pos);
    if (next < 0) break;
    pos = next + 1;
  }
  return '';
}

/** Wraps JSON lines into a `batch` message without parsing them. */
export function batchMessage(lines: string): string {
  const body = lines.endsWith('\n') ? lines.slice(0, -1) : lines;
  return `{"type":"batch","records":[${body.replaceAll('\n', ',')}]}`;
}

/** Number of `\n`-terminated lines in `lines`. */
export function countLines(lines: string): number {
  let n = 0;
  for (let i = lines.indexOf('\n'); i >= 0; i = lines.indexOf('\n', i + 1)) n++;
  return n;
}
