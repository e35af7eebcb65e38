import type { LogRecord, ServerMessage } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { Ingest } from './ingest.js';
import { SessionModel } from './session.js';

const records = (from: number, count: number): LogRecord[] =>
  Array.from({ length: count }, (_, i) => ({ seq: from + i, ts: from + i, level: 'info', msg: `r${from + i}` }));

describe('Ingest', () => {
  it('applies messages in order, a big batch over several tasks', async () => {
    const model = new SessionModel();
    const seen: string[] = [];
    model.listen((added, message) => seen.push(message ? message.type : `records:${added?.count}`));
    const ingest = new Ingest(model);
    const messages: ServerMessage[] = [
      { type: 'batch', records: records(1, 200_000) },
      { type: 'checkpoint', op: 'upsert', checkpoint: { name: 'c', data: 1, ts: 1 } },
      { type: 'batch', records: records(200_001, 10) },
      { type: 'end', reason: 'exit', at: 1, lastSeq: 200_010 },
    ];
    for (const m of messages) ingest.push(m);
    expect(model.size).toBe(0);
    let tasks = 0;
    while (ingest.pending > 0 && tasks < 10_000) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      tasks++;
    }
    expect(tasks).toBeGreaterThan(1);
    expect(model.size).toBe(200_010);
    expect(model.store.all().every((r, i) => r.seq === i + 1)).toBe(true);
    expect(seen.slice(-3)).toEqual(['checkpoint', 'records:10', 'end']);
  });

  it('applies everything at once when drained', () => {
    const model = new SessionModel();
    const ingest = new Ingest(model);
    ingest.push({ type: 'batch', records: records(1, 50_000) });
    ingest.drain();
    expect(model.lastSeq).toBe(50_000);
    expect(ingest.pending).toBe(0);
  });
});
