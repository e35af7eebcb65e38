import type { LogRecord } from '@pulselog/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { packRecords } from '../core/pack.js';
import { SessionModel } from './session.js';

/** Appends `perRun` records every `everyMs` for `forMs`, and counts the redraws (`version` changes) meanwhile. */
function redraws(perRun: number, everyMs: number, forMs: number): number {
  const session = new SessionModel();
  session.apply({
    type: 'hello',
    protocol: 1,
    lastSeq: 0,
    session: { id: 's', name: 's', pid: 1, host: 'h', startedAt: 0, versions: { pulselog: '', node: '', protocol: 1 } },
  });
  let changes = 0;
  const stop = session.version.subscribe(() => changes++);
  changes = 0;
  let seq = 0;
  for (let t = 0; t < forMs; t += everyMs) {
    const run: LogRecord[] = [];
    for (let i = 0; i < perRun; i++) run.push({ seq: ++seq, ts: t, level: 'info', msg: 'm' });
    session.append(packRecords(run));
    vi.advanceTimersByTime(everyMs);
  }
  vi.advanceTimersByTime(1000);
  stop();
  return changes;
}

describe('SessionModel', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('redraws every 80 ms while records trickle in', () => {
    // 2,000 records a second for 2 s.
    expect(redraws(100, 50, 2000)).toBeGreaterThanOrEqual(16);
  });

  it('redraws every 200 ms at most while a flood pours in, however small its runs', () => {
    // 100,000 records a second for 2 s, in runs of 1,000: each redraw is asked for by a run far below a flood.
    const count = redraws(1000, 10, 2000);
    expect(count).toBeLessThanOrEqual(13);
    expect(count).toBeGreaterThanOrEqual(8);
  });
});
