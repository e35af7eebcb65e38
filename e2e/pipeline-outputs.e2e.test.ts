import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScript } from './support/script.js';

const N = 200_000;

/** Writes output modules into a fresh folder, as a user keeps them beside their program. */
function outputModules(modules: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-outputs-'));
  for (const [name, source] of Object.entries(modules)) writeFileSync(join(dir, name), source);
  return dir;
}

/** Sleeps 20 ms a batch; with a gate, its first write also waits until the program has finished its loop. */
const SLOW = `
import { appendFileSync, existsSync } from 'node:fs';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export default function (options) {
  return {
    async write(batch) {
      while (options.gate && !existsSync(options.gate)) await sleep(5);
      await sleep(20);
      appendFileSync(options.file, batch.lines.join('\\n') + '\\n');
    },
  };
}
`;
const THROWING = `
export default () => ({ write() { throw new Error('the backend is on fire'); } });
`;
/** Ends the pipeline thread at its first write, as a crash there would. */
const DYING = `
export default () => ({ write() { process.exit(7); } });
`;

/** Runs the outputs script and returns its stdout report, stderr and working folder. */
async function run(outputs: unknown[], count = N, gate = '', env: Record<string, string> = {}) {
  const script = runScript('outputs.mjs', env, [JSON.stringify(outputs), String(count), gate]);
  let stdout = '';
  script.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const { code } = await script.exited;
  expect(code, script.stderr()).toBe(0);
  return { report: JSON.parse(stdout.trim()), stderr: script.stderr(), cwd: script.cwd };
}

/** Seqs of the record lines of the one session file in `cwd`. */
function sessionSeqs(cwd: string): number[] {
  const dir = join(cwd, '.pulselog', 'sessions');
  const [file] = readdirSync(dir);
  return readFileSync(join(dir, file as string), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"seq":'))
    .map((line) => JSON.parse(line).seq);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('outputs', () => {
  it('feeds a slow output everything in order while a throwing one is counted, and the program never waits', async () => {
    const dir = outputModules({ 'slow.mjs': SLOW, 'throwing.mjs': THROWING });
    const received = join(dir, 'received.ndjson');
    // The slow output takes nothing until the loop is over: a logger that waited for it would never finish the loop.
    const gate = join(dir, 'loop-done');
    const { report, stderr, cwd } = await run(
      [
        { target: join(dir, 'slow.mjs'), options: { file: received, gate } },
        { target: join(dir, 'throwing.mjs'), name: 'throwing' },
      ],
      N,
      gate,
    );
    expect(report.afterLoop.logged).toBe(N);
    expect(report.flushed).toBe(true);
    const lines = readFileSync(received, 'utf8').trimEnd().split('\n');
    expect(lines.map((line) => JSON.parse(line).seq)).toEqual(range(N));
    expect(JSON.parse(lines[5] as string)).toMatchObject({ level: 'info', msg: 'step', fields: { i: 5 } });
    expect(sessionSeqs(cwd)).toEqual(range(N));
    const [slow, throwing] = report.afterFlush.outputs;
    expect(slow).toMatchObject({ name: 'slow', written: N, failed: 0, dropped: 0, backlog: 0, errors: 0 });
    expect(throwing).toMatchObject({ name: 'throwing', written: 0, failed: N, lastError: 'the backend is on fire' });
    expect(throwing.errors).toBeGreaterThan(0);
    // Said once on stderr, however often it failed.
    expect(stderr.match(/output 'throwing' failed: the backend is on fire/g)).toHaveLength(1);
  });

  it('gives an output only the records of its level and above', async () => {
    const dir = outputModules({ 'slow.mjs': SLOW });
    const received = join(dir, 'received.ndjson');
    const { report } = await run(
      [{ target: join(dir, 'slow.mjs'), options: { file: received }, level: 'warning' }],
      1000,
    );
    expect(report.afterFlush.outputs[0]).toMatchObject({ written: 0, failed: 0 });
    expect(readdirSync(dir)).not.toContain('received.ndjson');
  });

  it('says once when the pipeline thread dies, counts what it could not deliver, and the program goes on', async () => {
    const dir = outputModules({ 'dying.mjs': DYING });
    // Records reach the file until the output ends the thread (once its module has loaded, and by
    // PAUSE_AT at the latest); every record after is counted as undelivered.
    const { report, stderr, cwd } = await run([{ target: join(dir, 'dying.mjs') }], 50_000, '', {
      PAUSE_AT: '25000',
    });
    expect(stderr.match(/the pipeline thread stopped/g)).toHaveLength(1);
    expect(report.flushed).toBe(false);
    const written = sessionSeqs(cwd);
    expect(written.length).toBeLessThanOrEqual(25_000);
    expect(written).toEqual(range(written.length));
    expect(report.afterFlush.undelivered).toBe(50_000 - written.length);
  });

  it('refuses a bad outputs entry at setup, naming it', async () => {
    const { Logger } = await import('@pulselog/logger');
    expect(() => new Logger('bad', { dashboard: false, sessionDir: false, outputs: [{ target: '' }] })).toThrow(
      /outputs\[0\]\.target/,
    );
    expect(
      () =>
        new Logger('bad', {
          dashboard: false,
          sessionDir: false,
          outputs: [{ target: './x.mjs', options: { fn: () => 1 } }],
        }),
    ).toThrow(/outputs\[0\]\.options must be plain data/);
  });
});
