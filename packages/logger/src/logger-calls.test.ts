import { readFileSync } from 'node:fs';
import type { LogRecord } from '@pulselog/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { folderSetup, MemoryPipeline, testSetup } from './core/test-support.js';
import { PulselogError } from './errors.js';
import { type Fields, Logger, type LoggerSetup } from './logger.js';

const loggers: Logger[] = [];
function make(more: LoggerSetup = {}): { log: Logger; sink: MemoryPipeline } {
  const sink = new MemoryPipeline();
  const log = new Logger('calls', testSetup(sink, more));
  loggers.push(log);
  return { log, sink };
}
afterEach(async () => {
  await Promise.all(loggers.splice(0).map((log) => log.shutdown()));
});

/** The records of a session file, read back as a user's tools would. */
function sessionRecords(file: string): LogRecord[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => line.seq !== undefined);
}

describe('Logger level calls, pino habits', () => {
  it('writes each of pino’s call forms to the session file as the record pino means', async () => {
    const log = new Logger('pino habits', folderSetup({ level: 'trace' }));
    const cause = new Error('socket closed');
    const err = new Error('upload failed', { cause });
    for (let round = 0; round < 2; round++) {
      // Twice: the second round goes through the templates the first one made.
      log.info({ user_id: 7 }, 'signed in');
      log.info('signed in', { user_id: 7 });
      log.info({ user_id: 8, plan: 'pro' });
      log.error(err, 'while uploading');
      log.error(err);
      log.error({ err, file: 'a.csv' }, 'while uploading');
      log.error({ err });
      log.error('while uploading', err);
      log.trace('deep detail', { step: 3 });
      log.warn({ disk: 0.93 }, 'disk almost full');
    }
    await log.shutdown();
    const records = sessionRecords(log.stats().sessionFile as string);
    expect(records).toHaveLength(20);
    const simple = (r: LogRecord) => ({
      level: r.level,
      msg: r.msg,
      fields: r.fields,
      err: r.err && { name: r.err.name, message: r.err.message, cause: r.err.cause?.message },
    });
    const errData = { name: 'Error', message: 'upload failed', cause: 'socket closed' };
    const expected = [
      { level: 'info', msg: 'signed in', fields: { user_id: 7 }, err: undefined },
      { level: 'info', msg: 'signed in', fields: { user_id: 7 }, err: undefined },
      { level: 'info', msg: '', fields: { user_id: 8, plan: 'pro' }, err: undefined },
      { level: 'error', msg: 'while uploading', fields: undefined, err: errData },
      { level: 'error', msg: 'upload failed', fields: undefined, err: errData },
      { level: 'error', msg: 'while uploading', fields: { file: 'a.csv' }, err: errData },
      { level: 'error', msg: 'upload failed', fields: undefined, err: errData },
      { level: 'error', msg: 'while uploading', fields: undefined, err: errData },
      { level: 'trace', msg: 'deep detail', fields: { step: 3 }, err: undefined },
      { level: 'warning', msg: 'disk almost full', fields: { disk: 0.93 }, err: undefined },
    ];
    expect(records.map(simple)).toEqual([...expected, ...expected]);
    for (const r of records.filter((r) => r.err !== undefined)) {
      expect(r.err?.stack).toContain('logger-calls.test.ts');
    }
  });

  it('records an error from pino’s forms as exception() records it', async () => {
    const { log, sink } = make();
    const err = new TypeError('bad input', { cause: new RangeError('too long') });
    log.exception('parse failed', err);
    log.error(err, 'parse failed');
    log.error('parse failed', err);
    log.error({ err }, 'parse failed');
    await log.flush();
    const [viaException, ...viaPino] = sink.parsed();
    for (const r of viaPino) expect(r).toMatchObject({ level: 'error', msg: 'parse failed', err: viaException?.err });
  });

  it('keeps a value first that is not an object as the message, and an array as one', async () => {
    const { log, sink } = make();
    log.info(42);
    log.info(['a', 1]);
    log.info(null, { x: 1 });
    await log.flush();
    expect(sink.parsed().map((r) => [r.msg, r.fields])).toEqual([
      ['42', undefined],
      ['["a",1]', undefined],
      ['null', { x: 1 }],
    ]);
  });

  it('never throws for fields first whose err getter throws', async () => {
    const { log, sink } = make();
    const fields = Object.defineProperty({ a: 1 }, 'err', {
      enumerable: true,
      get: () => {
        throw new Error('nope');
      },
    }) as Fields;
    expect(() => log.error(fields, 'hostile')).not.toThrow();
    await log.flush();
    expect(sink.parsed()).toMatchObject([{ msg: 'hostile', fields: { a: 1, err: '[getter threw: nope]' } }]);
  });
});

describe('Logger level', () => {
  it('records trace only when the level is trace, below debug', async () => {
    const { log, sink } = make();
    expect(log.level).toBe('debug');
    log.trace('hidden');
    log.level = 'trace';
    log.trace('shown');
    await log.flush();
    expect(sink.parsed().map((r) => [r.level, r.msg])).toEqual([['trace', 'shown']]);
  });

  it('changes what later calls record when set at run time, aliases and any case taken', async () => {
    const { log, sink } = make({ level: 'info' });
    log.debug('a');
    log.level = 'DEBUG' as 'debug';
    log.debug('b');
    log.level = 'warn';
    expect(log.level).toBe('warning');
    log.info('c');
    log.warn('d');
    log.exception('e', new Error('x'));
    log.level = 'fatal';
    log.error('f');
    log.fatal('g');
    await log.flush();
    expect(sink.parsed().map((r) => r.msg)).toEqual(['b', 'd', 'e', 'g']);
  });

  it('answers isLevelEnabled for names and aliases, false for unknown ones', () => {
    const { log } = make({ level: 'warning' });
    expect(['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal'].map((l) => log.isLevelEnabled(l))).toEqual([
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    expect(log.isLevelEnabled('verbose')).toBe(false);
    log.level = 'trace';
    expect(log.isLevelEnabled('trace')).toBe(true);
  });

  it('throws a PulselogError for an unknown level and keeps the one it had', () => {
    const { log } = make({ level: 'info' });
    expect(() => {
      log.level = 'loud' as never;
    }).toThrow(PulselogError);
    expect(log.level).toBe('info');
  });

  it('gives a child the level of its parent at the time, then its own', async () => {
    const { log, sink } = make({ level: 'info' });
    const child = log.child({ worker: 1 });
    log.level = 'error';
    child.info('child still at info');
    log.info('parent now at error');
    child.level = 'debug';
    child.debug('child at debug');
    await log.flush();
    expect(sink.parsed().map((r) => r.msg)).toEqual(['child still at info', 'child at debug']);
  });
});
