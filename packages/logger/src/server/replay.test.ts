import { type BatchMessage, parseServerMessage } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { linesFrame } from '../batch/packed.js';
import { frameAfter, joinFrames, ReplayBuffer, type ReplayItem } from './replay.js';

function chunk(first: number, last: number, fields = '') {
  let lines = '';
  for (let seq = first; seq <= last; seq++) lines += `{"seq":${seq},"ts":1,"level":"info","msg":"m${seq}"${fields}}\n`;
  return { firstSeq: first, lastSeq: last, count: last - first + 1, lines, frame: linesFrame(lines) };
}

function parse(frame: Buffer): BatchMessage {
  const parsed = parseServerMessage(frame.toString());
  if (!parsed.ok || parsed.value.type !== 'batch') throw new Error(`not a batch: ${frame.toString()}`);
  return parsed.value;
}
const seqsOf = (frame: Buffer) => parse(frame).records.map((r) => r.seq);
const seqs = (items: ReplayItem[]) => items.flatMap((item) => (item.kind === 'records' ? seqsOf(item.frame) : []));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ReplayBuffer', () => {
  it('returns exactly the records after a given seq, with their count', () => {
    const buffer = new ReplayBuffer(1000, 1 << 20);
    buffer.append(chunk(1, 10));
    buffer.append(chunk(11, 20));
    const items = buffer.read(5);
    expect(seqs(items)).toEqual(range(6, 20));
    expect(items.map((item) => (item.kind === 'records' ? item.count : 0))).toEqual([5, 10]);
  });

  it('evicts the oldest chunks past its bound and reports them as a gap', () => {
    const buffer = new ReplayBuffer(15, 1 << 20);
    buffer.append(chunk(1, 10));
    buffer.append(chunk(11, 20));
    expect(buffer.usage()).toMatchObject({ records: 10, firstSeq: 11, lastSeq: 20 });
    const items = buffer.read(0);
    expect(items[0]).toEqual({ kind: 'gap', from: 1, to: 10 });
    expect(seqs(items)).toEqual(range(11, 20));
  });

  it('keeps its bytes under the byte bound', () => {
    const buffer = new ReplayBuffer(1_000_000, 10_000);
    for (let i = 0; i < 100; i++) buffer.append(chunk(i * 10 + 1, i * 10 + 10));
    expect(buffer.usage().bytes).toBeLessThanOrEqual(10_000);
    expect(buffer.usage().lastSeq).toBe(1000);
  });

  it('paces reads by bytes but always returns something when behind', () => {
    const buffer = new ReplayBuffer(1000, 1 << 20);
    for (let i = 0; i < 10; i++) buffer.append(chunk(i * 10 + 1, i * 10 + 10));
    expect(buffer.read(0, 1)).toHaveLength(1);
    expect(buffer.read(100)).toEqual([]);
  });
});

describe('frameAfter', () => {
  it('cuts a batch at a sequence number into a batch of its own', () => {
    const frame = linesFrame(chunk(1, 5).lines);
    expect(frameAfter(frame, 3)).toMatchObject({ count: 2 });
    expect(seqsOf((frameAfter(frame, 3) as { frame: Buffer }).frame)).toEqual([4, 5]);
    expect(frameAfter(frame, 0)?.count).toBe(5);
    expect(frameAfter(frame, 5)).toBeUndefined();
  });

  it('is not fooled by fields named seq or by text that looks like a record', () => {
    const frame = linesFrame(chunk(1, 5, ',"fields":{"seq":99,"note":"\\n{\\"seq\\":1}"}').lines);
    expect(seqsOf((frameAfter(frame, 2) as { frame: Buffer }).frame)).toEqual([3, 4, 5]);
  });
});

describe('joinFrames', () => {
  it('joins consecutive batches into one batch of all their records, in order', () => {
    const frames = [chunk(1, 3).frame, chunk(4, 4).frame, chunk(5, 9).frame];
    expect(seqsOf(joinFrames(frames))).toEqual(range(1, 9));
    expect(joinFrames(frames).toString()).toBe(`{"type":"lines"}\n${chunk(1, 9).lines}`);
    expect(joinFrames([frames[0] as Buffer])).toBe(frames[0]);
  });
});

describe('linesFrame', () => {
  it('makes JSON lines into a batch in the lines form', () => {
    const { lines } = chunk(1, 3);
    expect(linesFrame(lines).toString()).toBe(`{"type":"lines"}\n${lines}`);
    expect(seqsOf(linesFrame(lines))).toEqual([1, 2, 3]);
  });

  it('keeps non-ASCII text intact', () => {
    const lines = '{"seq":1,"ts":1,"level":"info","msg":"héllo ✓ 日本"}\n';
    expect(parse(linesFrame(lines)).records[0]?.msg).toBe('héllo ✓ 日本');
  });
});
