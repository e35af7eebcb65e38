import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fillDisk, mountTmpfs, NO_MOUNT, useTmpfs } from '../packages/logger/src/test-support.js';
import { health, parseDashboardUrl } from './support/client.js';
import { runScript } from './support/script.js';

useTmpfs();

interface Report {
  logged: number;
  stats: {
    sessionErrors: number;
    sessionUnwritten: number;
    checkpointErrors: number;
    dropped: number;
    sessionFile: string;
  };
}

describe('a session on a disk that fills up', () => {
  it('is said once on stderr, counted, shown on the dashboard, and resumes with a gap line when space returns', async (ctx) => {
    const fs = mountTmpfs('512k');
    if (!fs) return ctx.skip(NO_MOUNT);
    const script = runScript('disk-full.mjs', { PULSELOG_DASHBOARD: '1' }, [fs.dir]);
    const replies: string[] = [];
    let partial = '';
    script.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      replies.push(...parts);
    });
    const next = async <T>(): Promise<T> => {
      while (replies.length === 0) {
        if (script.child.exitCode !== null) throw new Error(`script ended early:\n${script.stderr()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return JSON.parse(replies.shift() as string) as T;
    };
    const phase = async (): Promise<Report> => {
      script.child.stdin?.write('go\n');
      return next<Report>();
    };
    const address = parseDashboardUrl((await next<{ url: string }>()).url);

    await phase();
    const filler = fillDisk(fs.dir, 0);
    const full = await phase();
    expect(full.stats.sessionErrors).toBeGreaterThan(0);
    expect(full.stats.sessionUnwritten).toBeGreaterThan(3000);
    expect(full.stats.checkpointErrors).toBe(1);
    const failing = script.stderr().match(/pulselog: cannot write the session file .*/g) ?? [];
    expect(failing).toEqual([
      expect.stringContaining(`${full.stats.sessionFile}: ENOSPC: no space left on device; records are left out of it`),
    ]);
    expect(script.stderr()).toMatch(/could not save checkpoint 'while-full' to .*: ENOSPC/);
    // The dashboard went on with every record, and warns of the file.
    let status = await health(address);
    for (let i = 0; i < 100 && (status.sessionFile === undefined || status.received < full.logged); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await health(address);
    }
    expect(status.received).toBe(full.logged);
    expect(status.sessionFile).toEqual({
      path: full.stats.sessionFile,
      errors: full.stats.sessionErrors,
      unwritten: full.stats.sessionUnwritten,
      failing: expect.stringMatching(/^ENOSPC: no space left on device/),
    });
    expect(status.checkpointStore).toEqual({
      path: expect.stringMatching(/checkpoints\/disk\/checkpoints\.log$/),
      errors: 1,
      failing: expect.stringMatching(/ENOSPC/),
    });

    rmSync(filler);
    const after = await phase();
    expect(await script.exited).toEqual({ code: 0, signal: null });
    // A save after shutdown() is stored, and counted rather than thrown.
    expect(after.stats.dropped).toBe(1);
    expect(script.stderr()).toContain('a checkpoint saved or removed after shutdown() is in the checkpoint store only');
    expect(readFileSync(join(fs.dir, 'checkpoints', 'disk', 'checkpoints.log'), 'utf8')).toContain('"name":"late"');
    expect(script.stderr().match(/pulselog: cannot write the session file/g)).toHaveLength(1);
    expect(script.stderr()).toContain(
      `the session file ${full.stats.sessionFile} is written again; ${full.stats.sessionUnwritten} record(s) are missing from it, marked by a gap line`,
    );

    const dir = join(fs.dir, 'sessions');
    const text = readFileSync(join(dir, readdirSync(dir)[0] as string), 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    // Every line parses: none was left torn.
    const lines = text
      .slice(0, -1)
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const seqs = lines.filter((l) => typeof l.seq === 'number').map((l) => l.seq as number);
    const gaps = lines.filter((l) => l.type === 'gap');
    expect(gaps).toEqual([
      {
        type: 'gap',
        reason: 'dropped',
        from: expect.any(Number),
        to: expect.any(Number),
        count: full.stats.sessionUnwritten,
        error: expect.stringMatching(/^ENOSPC/),
        // The checkpoint change saved while the disk was full.
        lines: 1,
      },
    ]);
    const gap = gaps[0] as { from: number; to: number; count: number };
    // Every record logged is in the file, in order, or counted by the gap line.
    expect(seqs.length + gap.count).toBe(full.logged + 100);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.filter((s) => s >= gap.from && s <= gap.to)).toEqual([]);
    expect(lines.at(-1)).toMatchObject({ type: 'end', reason: 'shutdown' });
    const saved = lines.filter((l) => l.type === 'checkpoint').map((l) => (l.checkpoint as { name: string }).name);
    expect(saved).toContain('after');
  });
});
