import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import type { Incoming } from '../core/incoming.js';
import { packRecords, parseLines } from '../core/pack.js';
import { Ingest } from './ingest.js';
import { SessionModel } from './session.js';

const records = (from: number, count: number): LogRecord[] =>
  Array.from({ length: count }, (_, i) => ({ seq: from + i, ts: from + i, level: 'info', msg: `r${from + i}` }));

/** Runs of `size` records from seq `from` on, as the `Stream` hands them on. */
const runs = (from: number, count: number, size: number): Incoming[] =>
  Array.from({ length: count }, (_, k) => ({ type: 'records', packed: packRecords(records(from + k * size, size)) }));

describe('Ingest', () => {
  it('applies messages in order, many runs over several tasks', async () => {
    const model = new SessionModel();
    const seen: string[] = [];
    model.listen((added, message) => seen.push(message ? message.type : `records:${added?.count}`));
    const ingest = new Ingest(model);
    const messages: Incoming[] = [
      ...runs(1, 100, 2000),
      { type: 'checkpoint', op: 'upsert', checkpoint: { name: 'c', data: 1, ts: 1 } },
      ...runs(200_001, 1, 10),
      { type: 'end', reason: 'exit', at: 1, lastSeq: 200_010 },
    ];
    for (const m of messages) ingest.push(m);
    expect(model.size).toBe(0);
    let tasks = 0;
    while (seen.at(-1) !== 'end' && tasks < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      tasks++;
    }
    expect(tasks).toBeGreaterThan(1);
    expect(model.size).toBe(200_010);
    const all = parseLines(model.store.lines(0, model.size).join('')) as LogRecord[];
    expect(all.every((r, i) => r.seq === i + 1)).toBe(true);
    expect(seen.slice(-3)).toEqual(['checkpoint', 'records:10', 'end']);
  });

  it('applies everything at once when drained', () => {
    const model = new SessionModel();
    const ingest = new Ingest(model);
    for (const m of runs(1, 25, 2000)) ingest.push(m);
    ingest.drain();
    expect(model.lastSeq).toBe(50_000);
  });
});
