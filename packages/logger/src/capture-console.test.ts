import { Console } from 'node:console';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { captureConsole, type LevelCalls } from './capture-console.js';

/** A console writing into strings, and the records capture made of its calls. */
function setup() {
  let out = '';
  let err = '';
  const stdout = new PassThrough().on('data', (chunk) => (out += chunk));
  const stderr = new PassThrough().on('data', (chunk) => (err += chunk));
  const target = new Console({ stdout, stderr });
  const records: [string, string, Record<string, unknown> | undefined][] = [];
  const calls = Object.fromEntries(
    ['debug', 'info', 'warning', 'error', 'critical'].map((level) => [
      level,
      (msg: unknown, fields?: Record<string, unknown>) => {
        records.push([level, String(msg), fields]);
      },
    ]),
  ) as unknown as LevelCalls;
  return { target, records, calls, out: () => out, err: () => err };
}

describe('captureConsole', () => {
  it('makes each console method a record of its level, formatted as util.format would, and still prints', () => {
    const { target, records, calls, out, err } = setup();
    const release = captureConsole(calls, target);
    target.log('plain %s %d', 'text', 42, { extra: true });
    target.info('info');
    target.debug('debug');
    target.warn('warn');
    target.error('error');
    expect(records).toEqual([
      ['info', 'plain text 42 { extra: true }', undefined],
      ['info', 'info', undefined],
      ['debug', 'debug', undefined],
      ['warning', 'warn', undefined],
      ['error', 'error', undefined],
    ]);
    expect(out()).toBe('plain text 42 { extra: true }\ninfo\ndebug\n');
    expect(err()).toBe('warn\nerror\n');
    release();
  });

  it('records console.trace once, with the stack from its caller, and prints it as Node does', () => {
    const { target, records, calls, err } = setup();
    captureConsole(calls, target);
    (function callerOfTrace() {
      target.trace('where %s', 'am I');
    })();
    expect(records).toHaveLength(1);
    const [level, msg, fields] = records[0] ?? [];
    expect([level, msg]).toEqual(['debug', 'where am I']);
    expect(String(fields?.stack).split('\n')[0]).toMatch(/^ {4}at callerOfTrace /);
    expect(err().split('\n').slice(0, 2)).toEqual([
      'Trace: where am I',
      expect.stringMatching(/^ {4}at callerOfTrace /),
    ]);
  });

  it('puts the console back on release, and makes no record from a console call made while formatting', () => {
    const { target, records, calls, out } = setup();
    const original = target.log;
    const release = captureConsole(calls, target);
    const noisy = {
      [Symbol.for('nodejs.util.inspect.custom')]: () => {
        target.log('inside');
        return 'noisy';
      },
    };
    target.log(noisy);
    expect(records).toEqual([['info', 'noisy', undefined]]);
    release();
    expect(target.log).toBe(original);
    target.log('after');
    expect(records).toHaveLength(1);
    expect(out()).toContain('after\n');
  });
});
