import { LEVEL_NAMES, LEVELS, type LevelName } from '@pulselog/shared';
import { lineLevel } from './batch/packed.js';
import { type Core, levelSlot } from './core/core.js';

/** Records made elsewhere: their times in ms since the epoch, and each one's line tail (`,"level":…}`). */
export type Ingest = (times: ArrayLike<number>, tails: readonly string[]) => void;

/** Key of the `Logger` method that returns an `Ingest` for a context: for OTLP and the bridges, not for programs. */
export const INGEST = Symbol('pulselog.ingest');

/**
 * Queues records made elsewhere (received over OTLP through the dashboard
 * hub, or taken by the pino bridge) as the logger's own: each takes the next
 * sequence number and joins a queue of its own, context `label`, so from there it travels as every record does,
 * to the session file, the outputs and the hub, in one order. Records below
 * the logger's level are left out, as its own calls would be. A full queue
 * drops the newest (counted, shown as a gap) rather than blocking or throwing:
 * whoever sent them is not the program whose overflow policy this is.
 *
 */
export function ingestInto(core: Core, label: string): Ingest {
  const state = core.newContext(label, undefined);
  const threshold = LEVELS[core.config.level];
  let counts = core.ingested.get(label);
  if (counts === undefined) {
    counts = new Float64Array(LEVEL_NAMES.length);
    core.ingested.set(label, counts);
  }
  const byLevel = counts;
  return (times, tails) => {
    const queue = state.queue;
    // The queue keeps times from the logging thread's time origin, as `now()` gives them.
    const origin = performance.timeOrigin;
    for (let i = 0; i < tails.length; i++) {
      const tail = tails[i] as string;
      const level = lineLevel(tail) as LevelName;
      if (LEVELS[level] < threshold) continue;
      if (core.closed) {
        core.drops.refused();
        continue;
      }
      if (queue.size >= queue.capacity) core.drain(false);
      const seq = ++core.seq;
      const slot = levelSlot(level);
      byLevel[slot] = (byLevel[slot] as number) + 1;
      if (queue.size >= queue.capacity) core.drops.lost(seq, 'overflow');
      else core.queued(queue, queue.push(tail, seq, (times[i] as number) - origin));
    }
  };
}
