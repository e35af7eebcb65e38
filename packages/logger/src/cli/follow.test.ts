import { appendFileSync, mkdtempSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileFollower } from './follow.js';

function follower(path: string, fromEnd = false) {
  let text = '';
  const notes: string[] = [];
  let ends = 0;
  const f = new FileFollower(
    path,
    async (chunk) => {
      text += chunk.toString();
    },
    (note) => notes.push(note),
    () => ends++,
    fromEnd,
  );
  return { f, text: () => text, notes, ends: () => ends };
}

describe('FileFollower', () => {
  it('reads a rotated file to its end, then the new file from its start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-follow-'));
    const path = join(dir, 'app.log');
    writeFileSync(path, 'a\n');
    const t = follower(path);
    await t.f.poll();
    renameSync(path, `${path}.1`);
    appendFileSync(`${path}.1`, 'b, after the rename\n');
    await t.f.poll();
    appendFileSync(`${path}.1`, 'c, still the old file\n');
    writeFileSync(path, 'd, the new file\n');
    await t.f.poll();
    expect(t.text()).toBe('a\nb, after the rename\nc, still the old file\nd, the new file\n');
    expect(t.ends()).toBe(1);
    expect(t.notes).toEqual([
      `${path} is gone; reading what is still written to it, and waiting for the name to return`,
      `${path} was replaced (rotated); following the new file`,
    ]);
    await t.f.close();
  });

  it('starts again from the top of a truncated file, and waits for a file that is not there yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-follow-'));
    const path = join(dir, 'later.log');
    const t = follower(path);
    await t.f.poll();
    expect(t.notes).toEqual([`${path} does not exist yet; waiting for it`]);
    writeFileSync(path, 'one\ntwo\n');
    await t.f.poll();
    writeFileSync(path, 'x\n');
    await t.f.poll();
    expect(t.text()).toBe('one\ntwo\nx\n');
    expect(t.notes.slice(1)).toEqual([
      `${path} appeared; following it`,
      `${path} was truncated; reading it from the start`,
    ]);
    await t.f.close();
    unlinkSync(path);
  });

  it('skips what a file holds at the start with fromEnd', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-follow-'));
    const path = join(dir, 'old.log');
    writeFileSync(path, 'old\n');
    const t = follower(path, true);
    await t.f.poll();
    appendFileSync(path, 'new\n');
    await t.f.poll();
    expect(t.text()).toBe('new\n');
    await t.f.close();
  });
});
