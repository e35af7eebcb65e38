import type { ContextQueue } from './queue.js';

/** Records taken from the queues for one batch, in ascending `seq` order. */
export interface Taken {
  lines: string[];
  firstSeq: number;
  lastSeq: number;
  /** Characters in `lines`. */
  chars: number;
}

/**
 * Takes up to `max` records (and not many more than `maxChars` characters,
 * but always one) from `queues`, merged back into one global order
 * by sequence number. Each queue is already sorted, so this is a k-way merge;
 * with one non-empty queue (the usual case) it is a single slice. Returns
 * `undefined` when every queue is empty.
 */
export function takeMerged(queues: readonly ContextQueue[], max: number, maxChars: number): Taken | undefined {
  const open = queues.filter((q) => q.size > 0);
  if (open.length === 0) return undefined;
  if (open.length === 1) {
    const q = open[0] as ContextQueue;
    const firstSeq = q.headSeq();
    const { count, chars } = q.measure(max, maxChars);
    const lines = q.take(count);
    return { lines, firstSeq, lastSeq: lastSeqOf(lines), chars };
  }
  const lines: string[] = [];
  let firstSeq = 0;
  let lastSeq = 0;
  let chars = 0;
  while (lines.length < max && (chars < maxChars || lines.length === 0)) {
    // A linear scan over the heads: contexts with records pending at the same moment are few.
    let best: ContextQueue | undefined;
    let bestSeq = Number.POSITIVE_INFINITY;
    for (const q of open) {
      const s = q.headSeq();
      if (s < bestSeq) {
        bestSeq = s;
        best = q;
      }
    }
    if (best === undefined) break;
    if (lines.length === 0) firstSeq = bestSeq;
    lastSeq = bestSeq;
    const line = best.shift();
    chars += line.length;
    lines.push(line);
  }
  return { lines, firstSeq, lastSeq, chars };
}

/** Reads the sequence number at the start of a record line (`{"seq":N,`). */
export function lastSeqOf(lines: readonly string[]): number {
  const line = lines[lines.length - 1] as string;
  return seqOfLine(line);
}

/** Sequence number of one record line; every line starts with `{"seq":`. */
export function seqOfLine(line: string): number {
  let n = 0;
  for (let i = 7; i < line.length; i++) {
    const c = line.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  return n;
}
