import { emptyTaken, finish, type Taken } from '../batch/builder.js';
import type { ContextQueue } from './queue.js';

/**
 * Takes up to `max` records (and not many more than `maxChars` characters of
 * tails as sent, but always one) from `queues`, merged back into one global order by
 * sequence number. Each queue is already sorted, so this is a k-way merge;
 * with one non-empty queue (the usual case) it is a straight copy. Returns
 * `undefined` when every queue is empty.
 */
export function takeMerged(queues: readonly ContextQueue[], max: number, maxChars: number): Taken | undefined {
  const open = queues.filter((q) => q.size > 0);
  if (open.length === 0) return undefined;
  if (open.length === 1) {
    const q = open[0] as ContextQueue;
    const count = q.measure(max, maxChars);
    const taken = emptyTaken(count);
    taken.sent = q.shiftInto(taken, 0, count);
    return finish(taken, count);
  }
  let total = 0;
  for (const q of open) total += q.size;
  const taken = emptyTaken(Math.min(max, total));
  let k = 0;
  /** Characters of the batch as sent, which `maxChars` bounds. */
  let sent = 0;
  while (k < taken.count && (sent < maxChars || k === 0)) {
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
    sent += best.shiftInto(taken, k++, 1);
  }
  taken.sent = sent;
  return finish(taken, k);
}
