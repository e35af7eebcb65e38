import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RunningScript, runScript } from './support/script.js';

/** The record lines of the one session file the script wrote, without seq and time. */
function sessionRecords(script: RunningScript): Record<string, unknown>[] {
  const dir = join(script.cwd, '.pulselog', 'sessions');
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  return readFileSync(join(dir, files[0] as string), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => line.seq !== undefined)
    .map(({ seq, ts, ...rest }) => rest);
}

/** Everything the script printed on stdout, once it has ended. */
function stdoutOf(script: RunningScript): Promise<string> {
  let out = '';
  script.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return script.exited.then(() => out);
}

describe('pino through @pulselog/logger/pino', () => {
  for (const mode of ['target', 'targets'] as const) {
    it(`keeps levels (custom ones too), msg, time, bindings and err, given as ${mode}`, async () => {
      const script = runScript('pino.mjs', {}, [mode, 'pino.log']);
      expect((await script.exited).code).toBe(0);
      const records = sessionRecords(script);
      expect(records.map((r) => [r.level, r.msg])).toEqual([
        ['info', 'user signed in'],
        ['warning', 'slow request'],
        ['info', 'custom level between info and warn'],
        ['warning', 'custom level mapped by name'],
        ['debug', 'trace detail'],
        ['error', 'boom'],
        ['error', 'validation failed'],
        ['critical', 'giving up'],
      ]);
      expect(records[0]?.fields).toEqual({ user_id: 7 });
      expect(records[1]?.fields).toEqual({ request_id: 'r-1' });
      expect(records[5]?.err).toMatchObject({ name: 'Error', stack: expect.stringMatching(/^Error: boom\n {4}at /) });
      expect(records[6]).toMatchObject({ fields: { input: 'x' }, err: { name: 'TypeError', message: 'bad input' } });
      if (mode === 'targets') expect(existsSync(join(script.cwd, 'pino.log'))).toBe(true);
      // pino's own time, not the time the worker took the line: the file target wrote the same one.
      if (mode === 'targets') {
        const pinoTimes = readFileSync(join(script.cwd, 'pino.log'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).time);
        const dir = join(script.cwd, '.pulselog', 'sessions');
        const ours = readFileSync(join(dir, readdirSync(dir)[0] as string), 'utf8')
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
          .filter((line) => line.seq !== undefined && line.level !== 'debug')
          .map((line) => line.ts);
        expect(ours).toEqual(pinoTimes);
      }
    });
  }
});

describe('winston through PulselogTransport', () => {
  it('maps levels, keeps metadata as fields and errors with their stacks, and honours handleExceptions', async () => {
    const script = runScript('winston.mjs');
    expect((await script.exited).code).toBe(1);
    const records = sessionRecords(script);
    expect(records.slice(0, 7).map((r) => [r.level, r.msg, r.fields])).toEqual([
      ['info', 'invoice sent', { service: 'billing', invoice: 17, amount: 12.5 }],
      ['warning', 'retrying', { service: 'billing' }],
      ['info', 'GET /invoices', { service: 'billing' }],
      ['debug', 'cache warm', { service: 'billing' }],
      ['error', 'amount out of range', { service: 'billing' }],
      ['error', 'payment failed card declined', { service: 'billing' }],
      ['debug', 'child logger', { request_id: 'r-9', service: 'billing' }],
    ]);
    expect(records[4]?.err).toMatchObject({
      name: 'RangeError',
      stack: expect.stringMatching(/^RangeError: amount out of range\n {4}at /),
    });
    expect(records[5]?.err).toMatchObject({
      name: 'Error',
      message: 'card declined',
      stack: expect.stringMatching(/winston\.mjs/),
    });
    const fromWinston = records.find((r) => String(r.msg).startsWith('uncaughtException: nobody caught this'));
    expect(fromWinston).toMatchObject({
      level: 'error',
      fields: { exception: true },
      err: { name: 'Error', message: 'nobody caught this', stack: expect.stringMatching(/winston\.mjs/) },
    });
  });
});

describe('console capture', () => {
  it('records console output at the matching levels, formatted as util.format does, and still prints it', async () => {
    const script = runScript('console.mjs');
    const stdout = stdoutOf(script);
    expect((await script.exited).code).toBe(0);
    expect(await stdout).toBe('plain text number 42 { extra: true }\ninfo line\ndebug line\n');
    expect(script.stderr()).toMatch(/^warn line\nerror line Error: shown with its stack\n/m);
    expect(script.stderr()).toMatch(/^Trace: trace line\n {4}at .*console\.mjs/m);
    const records = sessionRecords(script);
    expect(records.map((r) => [r.level, String(r.msg).split('\n')[0]])).toEqual([
      ['info', 'plain text number 42 { extra: true }'],
      ['info', 'info line'],
      ['debug', 'debug line'],
      ['warning', 'warn line'],
      ['error', 'error line Error: shown with its stack'],
      ['debug', 'trace line'],
      ['info', 'own record'],
    ]);
    expect(records[5]?.fields).toEqual({ stack: expect.stringMatching(/^ {4}at .*console\.mjs/) });
  });
});

describe('the bridges', () => {
  it('load their dependencies only when imported', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [join(import.meta.dirname, 'scripts', 'bridges-lazy.mjs')], (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    expect(
      out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { after: 'logger', pinoAbstractTransport: false, winstonTransport: false },
      { after: 'winston', pinoAbstractTransport: false, winstonTransport: true },
      { after: 'pino', pinoAbstractTransport: true, winstonTransport: true },
    ]);
  });
});
