import type { ContextQueue } from './queue.js';

/** Records taken from the queues for one batch, in ascending `seq` order. */
export interface Taken {
  /** Each record's line tail (see `packed.ts`). */
  tails: string[];
  /** Each record's seq and time, interleaved: `[seq, t, seq, t, …]`. */
  st: Float64Array;
  count: number;
  firstSeq: number;
  lastSeq: number;
  /** Characters in `tails`. */
  chars: number;
}

/**
 * Takes up to `max` records (and not many more than `maxChars` characters of
 * tails, but always one) from `queues`, merged back into one global order by
 * sequence number. Each queue is already sorted, so this is a k-way merge;
 * with one non-empty queue (the usual case) it is a straight copy. Returns
 * `undefined` when every queue is empty.
 */
export function takeMerged(queues: readonly ContextQueue[], max: number, maxChars: number): Taken | undefined {
  const open = queues.filter((q) => q.size > 0);
  if (open.length === 0) return undefined;
  if (open.length === 1) {
    const q = open[0] as ContextQueue;
    const { count, chars } = q.measure(max, maxChars);
    const taken = emptyTaken(count);
    for (let k = 0; k < count; k++) q.shiftInto(taken, k);
    taken.chars = chars;
    return finish(taken, count);
  }
  let total = 0;
  for (const q of open) total += q.size;
  const taken = emptyTaken(Math.min(max, total));
  let k = 0;
  let chars = 0;
  while (k < taken.tails.length && (chars < maxChars || k === 0)) {
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
    chars += best.shiftInto(taken, k++);
  }
  taken.chars = chars;
  return finish(taken, k);
}

function emptyTaken(capacity: number): Taken {
  return {
    tails: new Array<string>(capacity),
    st: new Float64Array(2 * capacity),
    count: 0,
    firstSeq: 0,
    lastSeq: 0,
    chars: 0,
  };
}

/** Trims `taken` to the `count` records filled in and notes its first and last seq. */
function finish(taken: Taken, count: number): Taken {
  if (count < taken.tails.length) {
    taken.tails.length = count;
    taken.st = taken.st.subarray(0, 2 * count);
  }
  taken.count = count;
  taken.firstSeq = taken.st[0] as number;
  taken.lastSeq = taken.st[2 * count - 2] as number;
  return taken;
}
