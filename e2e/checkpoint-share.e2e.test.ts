import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningScript, runScript } from './support/script.js';

const WRITERS = 2;
const ROUNDS = 5;
const COUNT = 500;
const OPENERS = 10;

/** Everything a script printed on stdout, once it has ended with status 0. */
async function output(script: RunningScript): Promise<string[]> {
  let stdout = '';
  script.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  expect(await script.exited, script.stderr()).toEqual({ code: 0, signal: null });
  return stdout.trim().split('\n');
}

describe('checkpoint store shared by processes', () => {
  it('loses no save of two writers re-saving while ten processes keep opening the store', async () => {
    const first = runScript('checkpoint-share.mjs', {}, ['list']);
    await output(first);
    const cwd = first.cwd;
    const stop = join(cwd, 'stop');
    const openers = Array.from({ length: OPENERS }, () =>
      runScript('checkpoint-share.mjs', {}, ['open', stop], { cwd }),
    );
    const openerOutput = openers.map(output);
    const writers = Array.from({ length: WRITERS }, (_, id) =>
      runScript('checkpoint-share.mjs', {}, ['write', String(id), String(ROUNDS), String(COUNT)], { cwd }),
    );
    const writerStats = (await Promise.all(writers.map(output))).map((lines) => JSON.parse(lines.at(-1) as string));
    writeFileSync(stop, '');
    const opened = (await Promise.all(openerOutput)).map((lines) => JSON.parse(lines.at(-1) as string).opened);

    for (const stats of writerStats) {
      expect(stats).toMatchObject({ checkpointsSaved: ROUNDS * COUNT, checkpointErrors: 0, checkpointDamaged: 0 });
    }
    for (const script of [...writers, ...openers]) expect(script.stderr()).toBe('');
    // The openers really ran alongside the writers.
    expect(opened.every((n) => n > 0)).toBe(true);

    const [all, stats] = await output(runScript('checkpoint-share.mjs', {}, ['list'], { cwd }));
    const loaded = JSON.parse(all as string) as Record<string, { id: number; i: number; round: number }>;
    const missing: string[] = [];
    for (let id = 0; id < WRITERS; id++) {
      for (let i = 0; i < COUNT; i++) {
        const data = loaded[`w${id}-${i}`];
        if (data?.id !== id || data.i !== i || data.round !== ROUNDS - 1) missing.push(`w${id}-${i}`);
      }
    }
    expect(missing).toEqual([]);
    expect(Object.keys(loaded)).toHaveLength(WRITERS * COUNT);
    expect(JSON.parse(stats as string)).toMatchObject({ checkpointErrors: 0, checkpointDamaged: 0 });
    // Compaction ran: the log holds fewer lines than the saves made.
    const log = readFileSync(join(cwd, '.pulselog', 'checkpoints', 'shared-store', 'checkpoints.log'), 'utf8');
    expect(log.split('\n').length - 1).toBeLessThan(WRITERS * ROUNDS * COUNT);
  });
});
