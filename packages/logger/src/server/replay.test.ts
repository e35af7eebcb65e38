import { describe, expect, it } from 'vitest';
import { batchMessage, linesAfter, ReplayBuffer } from './replay.js';

function chunk(first: number, last: number) {
  let lines = '';
  for (let seq = first; seq <= last; seq++) lines += `{"seq":${seq},"ts":1,"level":"info","msg":"m${seq}"}\n`;
  return { firstSeq: first, lastSeq: last, count: last - first + 1, lines };
}

const seqs = (lines: string) =>
  lines
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line).seq as number);

describe('ReplayBuffer', () => {
  it('returns exactly the records after a given seq', () => {
    const buffer = new ReplayBuffer(1000, 1 << 20);
    buffer.append(chunk(1, 10));
    buffer.append(chunk(11, 20));
    const items = buffer.read(5);
    const got = items.flatMap((item) => (item.kind === 'records' ? seqs(item.lines) : []));
    expect(got).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
  });

  it('evicts the oldest chunks past its bound and reports them as a gap', () => {
    const buffer = new ReplayBuffer(15, 1 << 20);
    buffer.append(chunk(1, 10));
    buffer.append(chunk(11, 20));
    expect(buffer.usage()).toMatchObject({ records: 10, firstSeq: 11, lastSeq: 20 });
    const items = buffer.read(0);
    expect(items[0]).toEqual({ kind: 'gap', from: 1, to: 10 });
    expect(items.slice(1).flatMap((item) => (item.kind === 'records' ? seqs(item.lines) : []))).toHaveLength(10);
  });
});

describe('linesAfter', () => {
  it('cuts a chunk at a sequence number', () => {
    expect(seqs(linesAfter(chunk(1, 5).lines, 3))).toEqual([4, 5]);
    expect(linesAfter(chunk(1, 5).lines, 5)).toBe('');
  });
});

describe('batchMessage', () => {
  it('wraps JSON lines into a parseable batch', () => {
    const message = JSON.parse(batchMessage(chunk(1, 3).lines));
    expect(message.type).toBe('batch');
    expect(message.records.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3]);
  });
});
