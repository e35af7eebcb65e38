import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningScript, runScript } from './support/script.js';

const N = 1_000_000;

/** Reads the one session file of a finished script: record seqs, other lines by type. */
function readSession(script: RunningScript) {
  const dir = join(script.cwd, '.pulselog', 'sessions');
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  const text = readFileSync(join(dir, files[0] as string), 'utf8');
  rmSync(script.cwd, { recursive: true, force: true });
  const lines = text.split('\n');
  expect(lines.pop()).toBe('');
  let records = 0;
  let inOrder = true;
  const others: Record<string, unknown>[] = [];
  for (const line of lines) {
    if (line.startsWith('{"seq":')) {
      records++;
      const seq = Number(line.slice(7, line.indexOf(',')));
      if (seq !== records) inOrder = false;
      if (!line.startsWith('{"seq":', 0) || !line.endsWith('}')) inOrder = false;
    } else if (!line.startsWith('{"type":"health"') && !line.startsWith('{"type":"profile"')) {
      // Health samples come once a second whatever the ending; this file's lines of interest are the others.
      others.push(JSON.parse(line));
    }
  }
  return { records, inOrder, others, lastRecord: JSON.parse(lines.findLast((l) => l.startsWith('{"seq":')) ?? '{}') };
}

async function waitForStderr(script: RunningScript, text: string): Promise<void> {
  while (!script.stderr().includes(text)) {
    if (script.child.exitCode !== null) throw new Error(`script ended early:\n${script.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const env = { PULSELOG_DASHBOARD: '0' };

describe('logger exit safety', () => {
  it('keeps every record when the script simply ends', async () => {
    const script = runScript('logger-exit.mjs', env, ['end']);
    expect(await script.exited).toEqual({ code: 0, signal: null });
    const session = readSession(script);
    expect(session.records).toBe(N);
    expect(session.inOrder).toBe(true);
    expect(session.others.map((o) => o.type)).toEqual(['session', 'end']);
    expect(session.others[1]).toMatchObject({ reason: 'exit', lastSeq: N });
  });

  it('keeps every record through process.exit() and keeps its exit code', async () => {
    const script = runScript('logger-exit.mjs', env, ['exit']);
    expect(await script.exited).toEqual({ code: 3, signal: null });
    const session = readSession(script);
    expect(session.records).toBe(N);
    expect(session.inOrder).toBe(true);
    expect(session.others[1]).toMatchObject({ type: 'end', reason: 'exit', code: 3 });
  });

  it('logs an uncaught exception as a critical record with its stack, then dies as Node would', async () => {
    const script = runScript('logger-exit.mjs', env, ['throw']);
    expect(await script.exited).toEqual({ code: 1, signal: null });
    expect(script.stderr()).toContain('Error: boom');
    const session = readSession(script);
    expect(session.records).toBe(N + 1);
    expect(session.inOrder).toBe(true);
    expect(session.lastRecord).toMatchObject({
      level: 'critical',
      msg: 'uncaught exception',
      err: { message: 'boom' },
    });
    expect(session.lastRecord.err.stack).toContain('logger-exit.mjs');
    expect(session.others[1]).toMatchObject({ type: 'end', reason: 'uncaught', code: 1 });
  });

  it('logs an unhandled rejection and keeps every record', async () => {
    const script = runScript('logger-exit.mjs', env, ['reject']);
    expect(await script.exited).toEqual({ code: 1, signal: null });
    const session = readSession(script);
    expect(session.records).toBe(N + 1);
    expect(session.lastRecord).toMatchObject({ level: 'critical', err: { message: 'nobody caught this' } });
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`flushes on ${signal}, then ends by the signal as it would without pulselog`, async () => {
      const script = runScript('logger-exit.mjs', env, ['signal']);
      await waitForStderr(script, 'logged');
      script.child.kill(signal);
      expect(await script.exited).toEqual({ code: null, signal });
      const session = readSession(script);
      expect(session.records).toBe(N);
      expect(session.inOrder).toBe(true);
      expect(session.others[1]).toMatchObject({ type: 'end', reason: 'signal', signal });
    });
  }

  it('flushes on a signal the program handles itself and leaves the outcome to it', async () => {
    const script = runScript('logger-exit.mjs', env, ['signal-handled']);
    await waitForStderr(script, 'logged');
    script.child.kill('SIGTERM');
    expect(await script.exited).toEqual({ code: 0, signal: null });
    const session = readSession(script);
    expect(session.records).toBe(N + 1);
    expect(session.lastRecord).toMatchObject({ level: 'warning', msg: 'cleaning up after SIGTERM' });
    expect(session.others[1]).toMatchObject({ type: 'end', reason: 'exit', code: 0 });
  });
});
