import { LEVELS, type LevelName } from '@pulselog/shared';
import { lineLevel } from './batch/packed.js';
import type { Core } from './core/core.js';

/**
 * Queues records received from elsewhere (OTLP, through the dashboard hub)
 * as the logger's own: each takes the next sequence number and joins a queue
 * of its own, context `otlp`, so from there it travels as every record does,
 * to the session file, the outputs and the hub, in one order. Records below
 * the logger's level are left out, as its own calls would be. A full queue
 * drops the newest (counted, shown as a gap) rather than blocking or throwing:
 * whoever sent them is not the program whose overflow policy this is.
 *
 * Returns the function `Dashboard.onIngest` calls with each received batch:
 * times in ms since the epoch, and each record's line tail (`,"level":…}`).
 */
export function ingestInto(core: Core): (times: Float64Array, tails: string[]) => void {
  const state = core.newContext('otlp', undefined);
  const threshold = LEVELS[core.config.level];
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
      if (queue.size >= queue.capacity) core.drops.lost(seq);
      else core.queued(queue, queue.push(tail, seq, (times[i] as number) - origin));
    }
  };
}
