import type { SessionInfo } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { packRecords } from './pack.js';
import { exportJson, importSession, type SessionDump } from './transfer.js';

const session: SessionInfo = {
  id: 'train-1-42',
  name: 'train',
  pid: 42,
  host: 'box',
  startedAt: 1,
  versions: { pulselog: '0.1.0', node: 'v20', protocol: 1 },
};

describe('importSession', () => {
  it('reads back what exportJson wrote', () => {
    const dump: SessionDump = {
      meta: { session, end: { type: 'end', reason: 'exit', code: 0, at: 9, lastSeq: 2 } },
      records: [
        { seq: 1, ts: 2, level: 'info', msg: 'a' },
        { seq: 2, ts: 3, level: 'error', msg: 'b', fields: { x: 1 } },
      ],
      checkpoints: [{ name: 'e1', data: { loss: 1 }, status: 'DONE', progress: 100, ts: 4 }],
    };
    const lines = packRecords(dump.records).lines;
    // The records' lines may come in any pieces of whole lines.
    const cut = lines.indexOf('\n') + 1;
    const text = exportJson({
      meta: dump.meta,
      lines: [lines.slice(0, cut), '', lines.slice(cut)],
      checkpoints: dump.checkpoints,
    });
    expect(importSession(text.join(''), 'x.json')).toEqual({ ok: true, dump, skipped: 0 });
    const none = exportJson({ meta: dump.meta, lines: [], checkpoints: [] }).join('');
    expect(JSON.parse(none)).toMatchObject({ format: 'pulselog-session', records: [], checkpoints: [] });
  });

  it('keeps one record per sequence number, in order', () => {
    const line = (seq: number, msg: string) => JSON.stringify({ seq, ts: seq, level: 'info', msg });
    const result = importSession([line(2, 'b'), line(1, 'a'), line(2, 'again')].join('\n'), 'r.ndjson');
    if (!result.ok) throw new Error(result.reason);
    expect(result.dump.records.map((r) => r.msg)).toEqual(['a', 'b']);
    expect(result.skipped).toBe(1);
  });

  it('reads a recorder file: header, records, checkpoints and end, skipping junk lines', () => {
    const lines = [
      JSON.stringify({ type: 'session', format: 1, session }),
      JSON.stringify({ seq: 2, ts: 3, level: 'warning', msg: 'w' }),
      JSON.stringify({ seq: 1, ts: 2, level: 'info', msg: 'i' }),
      'not json',
      JSON.stringify({ seq: 3, ts: 4, level: 'loud', msg: 'bad level' }),
      JSON.stringify({ type: 'checkpoint', op: 'upsert', checkpoint: { name: 'c', data: 1, ts: 5 } }),
      JSON.stringify({ type: 'gap', reason: 'dropped', from: 3, to: 9, count: 4 }),
      JSON.stringify({ type: 'end', reason: 'signal', signal: 'SIGINT', at: 6, lastSeq: 2 }),
    ];
    const result = importSession(`${lines.join('\n')}\n`, 'train.ndjson');
    if (!result.ok) throw new Error(result.reason);
    expect(result.dump.meta.session.id).toBe('train-1-42');
    expect(result.dump.records.map((r) => r.seq)).toEqual([1, 2]);
    expect(result.dump.checkpoints).toEqual([{ name: 'c', data: 1, ts: 5 }]);
    expect(result.dump.meta.end?.signal).toBe('SIGINT');
    expect(result.dump.meta.gaps).toEqual([{ type: 'gap', reason: 'dropped', from: 3, to: 9, count: 4 }]);
    expect(result.skipped).toBe(2);
  });

  it('names a session after the file when there is no header', () => {
    const result = importSession('{"seq":1,"ts":7,"level":"info","msg":"x"}', 'run.ndjson');
    expect(result.ok && result.dump.meta.session.name).toBe('run');
  });

  it('refuses a file without records', () => {
    expect(importSession('hello\nworld', 'a.txt')).toEqual({
      ok: false,
      reason: 'no pulselog records found in the file',
    });
  });
});
