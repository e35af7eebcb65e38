import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillDisk, mountTmpfs, NO_MOUNT, useTmpfs } from '../test-support.js';
import { LineBatch } from './line-batch.js';
import { SessionFile } from './session-file.js';

useTmpfs();

const HEADER = '{"type":"session","format":1}\n';
/** Records of about 100 bytes each. */
const PAD = 'x'.repeat(64);

/** A batch of records `from..from+count-1`, as the pipeline thread makes them. */
function batch(from: number, count: number, frame: boolean): LineBatch {
  let text = '';
  for (let seq = from; seq < from + count; seq++) text += `{"seq":${seq},"level":"info","msg":"r","pad":"${PAD}"}\n`;
  const b = new LineBatch(text, from, from + count - 1, count);
  b.wantsFrame = frame;
  return b;
}

/** Every line of the file parsed (so none is torn), with the seqs of its records in order. */
function readBack(path: string): { lines: Record<string, unknown>[]; seqs: number[] } {
  const text = readFileSync(path, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const lines = text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, seqs: lines.filter((l) => typeof l.seq === 'number').map((l) => l.seq as number) };
}

describe('SessionFile on a disk that refuses writes', () => {
  it('counts writes to a full disk, stays on a line boundary and resumes with a gap line once there is room', (ctx) => {
    const fs = mountTmpfs('256k');
    if (!fs) return ctx.skip(NO_MOUNT);
    const file = new SessionFile(join(fs.dir, 'sessions', 'run.ndjson'));
    expect(file.open(HEADER)).toBeUndefined();
    let seq = 1;
    for (let i = 0; i < 5; i++, seq += 50) file.take(batch(seq, 50, i % 2 === 0));
    expect(file.failure).toBeUndefined();
    const filler = fillDisk(fs.dir, 6000);
    // A small line fits in the pages left; the batches fail part-way through or at once.
    file.line('{"type":"checkpoint","op":"delete","name":"a"}\n');
    const failedFrom = seq;
    for (let i = 0; i < 20; i++, seq += 100) file.take(batch(seq, 100, i % 2 === 0));
    expect(file.failure).toMatch(/^ENOSPC: no space left on device/);
    expect(file.errors).toBeGreaterThan(0);
    expect(file.unwritten).toBeGreaterThan(0);
    expect(file.holds).toBe(false);
    const whileFull = readBack(file.path);
    expect(whileFull.seqs.length + file.unwritten).toBe(seq - 1);

    const unwritten = file.unwritten;
    const resumedAt = seq;
    // Space comes back.
    rmSync(filler);
    for (let i = 0; i < 3; i++, seq += 50) file.take(batch(seq, 50, false));
    expect(file.failure).toBeUndefined();
    expect(file.holds).toBe(true);
    expect(file.unwritten).toBe(unwritten);

    const { lines, seqs } = readBack(file.path);
    expect(lines[0]).toEqual(JSON.parse(HEADER));
    const gaps = lines.filter((l) => l.type === 'gap');
    expect(gaps).toEqual([
      {
        type: 'gap',
        reason: 'dropped',
        error: expect.stringMatching(/^ENOSPC/),
        from: expect.any(Number),
        to: resumedAt - 1,
        count: unwritten,
      },
    ]);
    const gap = gaps[0] as { from: number; to: number; count: number };
    expect(gap.from).toBeGreaterThanOrEqual(failedFrom);
    // Every record is either in the file, in order, or counted by the gap line.
    expect(seqs.length + gap.count).toBe(seq - 1);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    for (let s = gap.from; s <= gap.to; s++) expect(seqs.includes(s)).toBe(false);
    expect(seqs.at(-1)).toBe(seq - 1);
  });

  it('writes the header first when even it did not fit', (ctx) => {
    const fs = mountTmpfs('256k');
    if (!fs) return ctx.skip(NO_MOUNT);
    const filler = fillDisk(fs.dir, 0);
    const file = new SessionFile(join(fs.dir, 'run.ndjson'));
    // The file itself takes no block: it opens; its header does not fit.
    expect(file.open(HEADER)).toBeUndefined();
    file.take(batch(1, 10, false));
    expect(file.failure).toMatch(/^ENOSPC/);
    rmSync(filler);
    file.take(batch(11, 10, false));
    const { lines, seqs } = readBack(file.path);
    expect(lines[0]).toEqual(JSON.parse(HEADER));
    expect(lines[1]).toMatchObject({ type: 'gap', from: 1, to: 10, count: 10 });
    expect(seqs).toEqual(Array.from({ length: 10 }, (_, i) => i + 11));
  });

  it('makes the file anew when its folder is deleted, with a gap line for the records that went with it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-deleted-'));
    const file = new SessionFile(join(dir, 'sessions', 'run.ndjson'));
    file.open(HEADER);
    file.take(batch(1, 50, true));
    expect(file.checkDeleted()).toBe(false);
    rmSync(join(dir, 'sessions'), { recursive: true });
    // Written into the deleted file: nobody will read these either.
    file.take(batch(51, 50, false));
    expect(file.checkDeleted()).toBe(true);
    expect(file.failure).toBe('the file was deleted while being written');
    expect(file.unwritten).toBe(100);
    file.take(batch(101, 50, false));
    expect(file.failure).toBeUndefined();
    const { lines, seqs } = readBack(file.path);
    expect(lines[0]).toEqual(JSON.parse(HEADER));
    expect(lines[1]).toEqual({
      type: 'gap',
      reason: 'dropped',
      from: 1,
      to: 100,
      count: 100,
      error: 'the file was deleted while being written',
    });
    expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 101));
    rmSync(dir, { recursive: true, force: true });
  });
});
