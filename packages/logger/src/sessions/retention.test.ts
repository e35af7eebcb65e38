import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pruneSessions } from './retention.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'pulselog-sessions-'));

/** A session file as the recorder writes it: header, a record, and an end line when `ended`. */
function recording(dir: string, name: string, pid: number, startedAt: number, ended: boolean): string {
  const file = join(dir, `${name}-${new Date(startedAt).toISOString().replace(/[:.]/g, '-')}.ndjson`);
  const session = { id: `${name}-${startedAt}-${pid}`, name, pid, host: hostname(), startedAt };
  let text = `${JSON.stringify({ type: 'session', format: 1, session })}\n{"seq":1,"msg":"x"}\n`;
  if (ended) text += `${JSON.stringify({ type: 'end', reason: 'exit', at: startedAt + 5, lastSeq: 1 })}\n`;
  writeFileSync(file, text);
  const seconds = startedAt / 1000;
  utimesSync(file, seconds, seconds);
  return file;
}

/** The pid of a process that has ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

/** Runs a short program that writes its own recording of `name` and prunes, as a short run of a logger does. */
async function shortRun(dir: string, name: string, keep: number): Promise<void> {
  const retention = new URL('../../dist/sessions/retention.js', import.meta.url).href;
  const program = `
    const { writeFileSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const { pruneSessions } = await import(${JSON.stringify(retention)});
    const startedAt = Date.now();
    const session = { id: 'x', name: ${JSON.stringify(name)}, pid: process.pid, host: hostname(), startedAt };
    const file = ${JSON.stringify(dir)} + '/' + session.name + '-' + startedAt + '-' + process.pid + '.ndjson';
    writeFileSync(file, JSON.stringify({ type: 'session', format: 1, session }) + '\\n');
    pruneSessions(${JSON.stringify(dir)}, { keep: ${keep}, name: session.name, current: file });
    writeFileSync(file, JSON.stringify({ type: 'end', reason: 'exit', at: Date.now(), lastSeq: 0 }) + '\\n', { flag: 'a' });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', program], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(0);
}

describe('pruneSessions', () => {
  it('removes the .cpuprofile beside a recording it removes, and keeps the ones of kept recordings', async () => {
    const dir = fresh();
    const pid = await deadPid();
    const files = [1, 2, 3].map((n) => recording(dir, 'job', pid, 1_700_000_000_000 + n * 1000, true));
    for (const file of files) writeFileSync(file.replace(/\.ndjson$/, '.cpuprofile'), '{}');
    pruneSessions(dir, { keep: 1, name: 'job', current: files[2] as string });
    expect(readdirSync(dir).sort()).toEqual(
      [files[2] as string, (files[2] as string).replace(/\.ndjson$/, '.cpuprofile')]
        .map((f) => f.slice(dir.length + 1))
        .sort(),
    );
  });

  it('keeps the live session of a running process through 25 short runs of the same name', async () => {
    const dir = fresh();
    // A long job that wrote its header a while ago and is now busy (its file not touched since), in a real process.
    const program = `
      const { writeFileSync } = require('node:fs');
      const { hostname } = require('node:os');
      const session = { id: 'long', name: 'job', pid: process.pid, host: hostname(), startedAt: Date.now() };
      writeFileSync(process.argv[1], JSON.stringify({ type: 'session', format: 1, session }) + '\\n');
      process.stdout.write('ready\\n');
      setInterval(() => {}, 1000);`;
    const longFile = join(dir, 'job-long.ndjson');
    const long = spawn(process.execPath, ['-e', program, longFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise((resolve) => long.stdout.once('data', resolve));
      const old = (Date.now() - 3_600_000) / 1000;
      utimesSync(longFile, old, old);
      for (let run = 0; run < 25; run++) await shortRun(dir, 'job', 20);
      expect(existsSync(longFile)).toBe(true);
      expect(readdirSync(dir)).toHaveLength(21);
    } finally {
      long.kill('SIGKILL');
    }
    await new Promise((resolve) => long.on('exit', resolve));
    // Once its process is gone, the unfinished recording is old like any other.
    await shortRun(dir, 'job', 20);
    expect(existsSync(longFile)).toBe(false);
    expect(readdirSync(dir)).toHaveLength(20);
  });

  it('keeps keep recordings of each logger name, the newest', async () => {
    const dir = fresh();
    const pid = await deadPid();
    const start = Date.now() - 1_000_000;
    const files: Record<string, string[]> = { etl: [], train: [] };
    for (let i = 0; i < 30; i++) {
      files.etl?.push(recording(dir, 'etl', pid, start + i * 1000, true));
      // The training runs crashed: no end line, and their process is gone.
      files.train?.push(recording(dir, 'train', pid, start + i * 1000 + 500, false));
    }
    recording(dir, 'cron', pid, start, true);
    const result = pruneSessions(dir, { keep: 20 });
    expect(result.removed).toHaveLength(20);
    expect(result.live).toEqual([]);
    const left = new Set(readdirSync(dir).map((f) => join(dir, f)));
    for (const name of ['etl', 'train'] as const) {
      expect(files[name]?.filter((f) => left.has(f))).toEqual(files[name]?.slice(10));
    }
    expect(left.size).toBe(41);
  });

  it('prunes only the given name, and never the current file', async () => {
    const dir = fresh();
    const pid = await deadPid();
    const start = Date.now() - 1_000_000;
    const etl = Array.from({ length: 5 }, (_, i) => recording(dir, 'etl', pid, start + i, true));
    const train = Array.from({ length: 5 }, (_, i) => recording(dir, 'train', pid, start + i, true));
    const result = pruneSessions(dir, { keep: 1, name: 'etl', current: etl[0] as string });
    expect(result.removed.sort()).toEqual(etl.slice(1, 4).sort());
    expect(
      readdirSync(dir)
        .map((f) => join(dir, f))
        .sort(),
    ).toEqual([etl[0], etl[4], ...train].sort());
  });

  it('treats a reused pid as a new process: a recording older than its process is not live', () => {
    const dir = fresh();
    const start = Date.now() - 3_600_000;
    // This test's own pid, but a session said to start an hour before this process did.
    const files = Array.from({ length: 3 }, (_, i) => recording(dir, 'job', process.pid, start + i, false));
    const result = pruneSessions(dir, { keep: 1 });
    expect(result.removed.sort()).toEqual(files.slice(0, 2).sort());
  });

  it('leaves a new file without a header alone, and an old one of a gone writer not', () => {
    const dir = fresh();
    const now = Date.now();
    const done = Array.from({ length: 2 }, (_, i) => recording(dir, 'job', 1, now - 10_000 + i, true));
    const empty = join(dir, 'job-2026-01-01T00-00-00-000Z.ndjson');
    writeFileSync(empty, '');
    utimesSync(empty, (now - 100_000) / 1000, (now - 100_000) / 1000);
    const starting = join(dir, 'job-2026-01-01T00-00-00-001Z.ndjson');
    writeFileSync(starting, '');
    utimesSync(starting, (now - 30_000) / 1000, (now - 30_000) / 1000);
    expect(pruneSessions(dir, { keep: 2 }).removed).toEqual([empty]);
    expect(
      readdirSync(dir)
        .map((f) => join(dir, f))
        .sort(),
    ).toEqual([...done, starting].sort());
  });

  it("keeps another host's unfinished recording while it changed in the last day", () => {
    const dir = fresh();
    const now = Date.now();
    const [quiet, recent] = [now - 90_000_000, now - 3_600_000].map((at) => {
      const file = recording(dir, 'job', 1, at, false);
      writeFileSync(file, readFileSync(file, 'utf8').replace(hostname(), `other-${hostname()}`));
      utimesSync(file, at / 1000, at / 1000);
      return file;
    });
    const newest = recording(dir, 'job', 1, now - 1000, true);
    const result = pruneSessions(dir, { keep: 1 });
    expect(result).toEqual({ removed: [quiet], live: [recent] });
    expect(
      readdirSync(dir)
        .map((f) => join(dir, f))
        .sort(),
    ).toEqual([recent, newest].sort());
  });

  it('does nothing for a folder that does not exist', () => {
    expect(pruneSessions(join(fresh(), 'none'), { keep: 1 })).toEqual({ removed: [], live: [] });
  });
});
