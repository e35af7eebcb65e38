import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { folderSetup } from '../core/test-support.js';
import { Logger } from '../logger.js';

const loggers: Logger[] = [];
afterEach(async () => {
  await Promise.all(loggers.splice(0).map((log) => log.shutdown()));
});

/** The session file's lines, parsed, once the logger has ended. */
async function written(log: Logger): Promise<Record<string, unknown>[]> {
  await log.shutdown();
  const file = log.stats().sessionFile as string;
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('Logger with redact', () => {
  it('redacts what the paths name at depth 6, in arrays, bindings, contexts, errors and checkpoints, before the file', async () => {
    const log = new Logger(
      'redacting',
      folderSetup({ redact: ['password', 'headers.authorization', '**.token', 'users.secret'], redactValues: true }),
    );
    loggers.push(log);
    const deep = { a: { b: { c: { d: { e: { token: 'tok-6', keep: 'visible' } } } } } };
    log.info('deep', deep);
    log.info('flat', { password: 'hunter2', user: 'ada' });
    log.info('array', {
      users: [
        { secret: 's1', name: 'a' },
        { secret: 's2', name: 'b' },
      ],
    });
    log.child({ headers: { authorization: 'Bearer abc.def', host: 'x' } }).info('bound');
    await log.context({ tag: 'job', token: 'ctx-token' }, async () => log.info('in context'));
    log.info('a message with Bearer eyJabc.def.ghi inside');
    log.exception('failed', new Error('key AKIAABCDEFGHIJKLMNOP leaked'));
    log.save('cfg', { password: 'pw', lr: 0.1 });
    const lines = await written(log);
    const text = JSON.stringify(lines);
    for (const secret of [
      'tok-6',
      'hunter2',
      's1',
      's2',
      'abc.def',
      'ctx-token',
      'eyJabc',
      'AKIAABCDEFGHIJKLMNOP',
      '"pw"',
    ]) {
      expect(text).not.toContain(secret);
    }
    const records = lines.filter((l) => 'seq' in l) as { msg: string; fields?: Record<string, unknown> }[];
    const byMsg = (msg: string) => records.find((r) => r.msg.startsWith(msg));
    expect(byMsg('deep')?.fields).toEqual({ a: { b: { c: { d: { e: { token: '[redacted]', keep: 'visible' } } } } } });
    expect(byMsg('flat')?.fields).toEqual({ password: '[redacted]', user: 'ada' });
    expect(byMsg('array')?.fields).toEqual({
      users: [
        { secret: '[redacted]', name: 'a' },
        { secret: '[redacted]', name: 'b' },
      ],
    });
    expect(byMsg('bound')?.fields).toEqual({ headers: { authorization: '[redacted]', host: 'x' } });
    expect(byMsg('in context')?.fields).toEqual({ token: '[redacted]' });
    expect(byMsg('a message')?.msg).toBe('a message with [redacted] inside');
    const checkpoint = lines.find((l) => l.type === 'checkpoint') as { checkpoint: { data: unknown } };
    expect(checkpoint.checkpoint.data).toEqual({ password: '[redacted]', lr: 0.1 });
  });

  it('redacts an object or array given in the message position, whichever way the call is read', async () => {
    const log = new Logger('redacting', folderSetup({ redact: ['password', '**.token'] }));
    loggers.push(log);
    // pino's order (object first) and a value that is not a string as the message both reach the line as JSON.
    log.info({ password: 'obj-first-secret', user: 'ada' });
    log.info([{ password: 'array-msg-secret' }, { nested: { token: 'array-token-secret' } }]);
    const lines = await written(log);
    const text = JSON.stringify(lines);
    for (const secret of ['obj-first-secret', 'array-msg-secret', 'array-token-secret']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('ada');
    expect(text.match(/\[redacted\]/g)).toHaveLength(3);
  });

  it("redacts pino-style calls: an object and a message, an error among fields, a child's bindings", async () => {
    const log = new Logger('redacting', folderSetup({ redact: ['password', '**.token'] }));
    loggers.push(log);
    log.info({ password: 'pino-secret', user: 'ada' }, 'login');
    log.error({ err: new Error('boom'), session: { token: 'pino-token' }, attempt: 2 }, 'refresh failed');
    log.child({ password: 'bound-secret', shard: 3 }).warn({ retry: true }, 'slow shard');
    const records = (await written(log)).filter((l) => typeof l.seq === 'number');
    expect(records.map((r) => [r.level, r.msg, r.fields])).toEqual([
      ['info', 'login', { password: '[redacted]', user: 'ada' }],
      ['error', 'refresh failed', { session: { token: '[redacted]' }, attempt: 2 }],
      ['warning', 'slow shard', { password: '[redacted]', shard: 3, retry: true }],
    ]);
    expect(records[1]?.err).toMatchObject({ name: 'Error', message: 'boom' });
    expect(JSON.stringify(records)).not.toMatch(/pino-secret|pino-token|bound-secret/);
  });

  it.each([
    ['paths', false],
    ['paths and value patterns', true],
  ])('redacts the flat fields of a call site logged over and over, as its shape changes (%s)', async (_, values) => {
    const log = new Logger('redacting', folderSetup({ redact: ['password', '**.token'], redactValues: values }));
    loggers.push(log);
    const child = log.child({ shard: 1 });
    // The second call of a message and on go by template: each shape must be checked, not only the first.
    for (let i = 0; i < 3; i++) {
      log.info('login', { user: 'ada', attempt: i });
      log.info('login', { user: 'ada', password: `pw-${i}` });
      log.info('login', { user: 'ada', attempt: i, token: `tk-${i}` });
      log.info('login', { auth: `Bearer abc${i}.def`, attempt: i });
      child.info('bound', { password: `child-pw-${i}`, ok: true });
    }
    // A call site that has logged one clean shape many times, then a secret under the same message.
    for (let i = 0; i < 5; i++) log.info('steady', { user: 'ada', n: i });
    log.info('steady', { user: 'ada', token: 'tk-steady' });
    const lines = await written(log);
    expect(JSON.stringify(lines)).not.toMatch(values ? /pw-|tk-|abc\d/ : /pw-|tk-/);
    const fields = lines.filter((l) => 'seq' in l).map((l) => l.fields);
    expect(fields).toEqual([
      ...[0, 1, 2].flatMap((i) => [
        { user: 'ada', attempt: i },
        { user: 'ada', password: '[redacted]' },
        { user: 'ada', attempt: i, token: '[redacted]' },
        { auth: values ? '[redacted]' : `Bearer abc${i}.def`, attempt: i },
        { shard: 1, password: '[redacted]', ok: true },
      ]),
      ...[0, 1, 2, 3, 4].map((n) => ({ user: 'ada', n })),
      { user: 'ada', token: '[redacted]' },
    ]);
  });

  it('leaves the values a caller passed as they were', async () => {
    const log = new Logger('redacting', folderSetup({ redact: ['password'] }));
    loggers.push(log);
    const fields = { password: 'hunter2', user: 'ada' };
    log.info('x', fields);
    expect(fields.password).toBe('hunter2');
  });
});
