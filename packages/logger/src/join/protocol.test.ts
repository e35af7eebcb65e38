import { describe, expect, it } from 'vitest';
import { formatPacked } from '../batch/format.js';
import { dropNoteTail, joinedRecords, parseJoinHello, sourceName } from './protocol.js';

describe('join protocol', () => {
  it('names a source by logger, pid and thread', () => {
    expect(sourceName({ type: 'join', name: 'worker', pid: 42, thread: 0 })).toBe('worker[42]');
    expect(sourceName({ type: 'join', name: 'worker', pid: 42, thread: 3 })).toBe('worker[42:3]');
  });

  it('takes a well-formed hello and refuses anything else with a reason', () => {
    expect(parseJoinHello('{"type":"join","name":"a","pid":1,"thread":0,"extra":1}')).toEqual({
      type: 'join',
      name: 'a',
      pid: 1,
      thread: 0,
    });
    expect(parseJoinHello('nope')).toBe('the first message is not JSON');
    expect(parseJoinHello('{"type":"resume"}')).toBe('the first message is not a join');
    expect(parseJoinHello('{"type":"join","name":"","pid":1,"thread":0}')).toBe('bad name');
    expect(parseJoinHello('{"type":"join","name":"a","pid":-1,"thread":0}')).toBe('bad pid');
  });

  it("turns the pipeline's lines into times and tails that carry the source", () => {
    const lines = formatPacked({
      st: Float64Array.of(7, 1.25, 8, 2.5),
      origin: 1_700_000_000_000,
      tails: ',"level":"info","msg":"a \\"quoted\\" {brace}"}\n,"level":"error","msg":"b","fields":{"ts":1}}',
      chars: 0,
      sent: 0,
    });
    const { times, tails, bad } = joinedRecords(lines, '"w[1]"');
    expect(bad).toBe(0);
    expect([...times]).toEqual([1_700_000_000_001.25, 1_700_000_000_002.5]);
    const records = tails.map((tail, i) => JSON.parse(`{"seq":${i + 1},"ts":${times[i]}${tail}`));
    expect(records).toEqual([
      { seq: 1, ts: 1_700_000_000_001.25, level: 'info', msg: 'a "quoted" {brace}', source: 'w[1]' },
      { seq: 2, ts: 1_700_000_000_002.5, level: 'error', msg: 'b', fields: { ts: 1 }, source: 'w[1]' },
    ]);
  });

  it('skips and counts lines that are not records', () => {
    const { tails, bad } = joinedRecords('garbage\n{"seq":1,"ts":5,"level":"info","msg":"ok"}\n{"seq":2}\n', '"s"');
    expect(tails).toEqual([',"level":"info","msg":"ok","source":"s"}']);
    expect(bad).toBe(2);
  });

  it('makes a warning record of a drop note', () => {
    expect(JSON.parse(`{"seq":1,"ts":1${dropNoteTail(12, '"w[1]"')}`)).toMatchObject({
      level: 'warning',
      fields: { dropped: 12 },
      source: 'w[1]',
    });
  });
});
