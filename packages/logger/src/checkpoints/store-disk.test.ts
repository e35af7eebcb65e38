import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillDisk, mountTmpfs, NO_MOUNT, useTmpfs } from '../test-support.js';
import { CheckpointStore } from './store.js';

useTmpfs();

/** A store that reports into `lines`. */
function open(dir: string, lines: string[]): CheckpointStore {
  return new CheckpointStore(dir, { report: (line) => lines.push(line) });
}

/** Every line of a log file, checked: each ends in a newline and opens with 8 hex digits. */
function wholeLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  for (const line of lines) expect(line).toMatch(/^[0-9a-f]{8} \{"op":"set",.*\}$/);
  return lines;
}

describe('CheckpointStore on a disk that refuses writes', () => {
  it('loads and lists a store on a read-only file system, and reports saves that fail', (ctx) => {
    const fs = mountTmpfs('1m');
    if (!fs) return ctx.skip(NO_MOUNT);
    const dir = join(fs.dir, 'checkpoints');
    const writer = open(dir, []);
    writer.save('epoch-1', '{"w":[1,2,3]}', { status: 'DONE' });
    writer.save('epoch-2', '{"w":[4]}', { status: 'IN_PROGRESS', progress: 40 });
    writer.close();
    fs.remount('ro');

    const lines: string[] = [];
    const store = open(dir, lines);
    expect(store.names()).toEqual(['epoch-2', 'epoch-1']);
    expect(store.get('epoch-1')).toMatchObject({ data: { w: [1, 2, 3] }, status: 'DONE' });
    expect(lines).toEqual([]);
    expect(store.save('epoch-3', '{"w":[5]}', {})).toMatchObject({ name: 'epoch-3', data: { w: [5] } });
    expect(store.save('epoch-4', '4', {})).toMatchObject({ data: 4 });
    expect(store.errors).toBe(2);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`could not save checkpoint 'epoch-3' to ${join(dir, 'checkpoints.log')}: EROFS`);
    // This process still sees what it saved; the file is as it was.
    expect(store.get('epoch-3')?.data).toEqual({ w: [5] });
    expect(open(dir, []).names()).toEqual(['epoch-2', 'epoch-1']);
  });

  it.skipIf(process.getuid?.() === 0)('loads a store the user may read but not write', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'pulselog-ckpt-')), 'checkpoints');
    open(dir, []).save('a', '1', {});
    chmodSync(join(dir, 'checkpoints.log'), 0o444);
    chmodSync(dir, 0o555);
    const lines: string[] = [];
    const store = open(dir, lines);
    expect(store.get('a')?.data).toBe(1);
    store.save('b', '2', {});
    expect(store.errors).toBe(1);
    expect(lines[0]).toMatch(/could not save checkpoint 'b' to .*checkpoints\.log: EACCES/);
  });

  it('reports a full disk once, keeps the file whole, and saves again once there is room', (ctx) => {
    const fs = mountTmpfs('256k');
    if (!fs) return ctx.skip(NO_MOUNT);
    const dir = join(fs.dir, 'checkpoints');
    const lines: string[] = [];
    const store = open(dir, lines);
    const data = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(20_000) });
    store.save('before', data(0), {});
    // Two pages free: one for the lock file, one the kernel writes of the 20 kB line before it fails.
    const filler = fillDisk(fs.dir, 8192);
    const file = join(dir, 'checkpoints.log');
    const fileSize = statSync(file).size;
    for (let i = 1; i <= 5; i++) store.save(`full-${i}`, data(i), { status: 'IN_PROGRESS' });
    expect(store.errors).toBe(5);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`could not save checkpoint 'full-1' to ${file}: ENOSPC`);
    expect(statSync(file).size).toBe(fileSize);

    rmSync(filler);
    store.save('after', data(6), { status: 'DONE' });
    expect(store.errors).toBe(5);
    expect(lines[1]).toBe(`pulselog: checkpoints are saved to ${file} again`);
    expect(wholeLines(file)).toHaveLength(2);
    const reread = open(dir, []);
    expect(reread.names()).toEqual(['after', 'before']);
    expect(reread.damaged).toBe(0);
    expect(reread.get('after')?.data).toEqual(JSON.parse(data(6)));
  });
});
