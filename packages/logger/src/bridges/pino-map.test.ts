import { describe, expect, it } from 'vitest';
import { levelOfPino, mapPinoLine, PINO_DEFAULTS, type PinoConfig } from './pino-map.js';

const CUSTOM: PinoConfig = { ...PINO_DEFAULTS, labels: { ...PINO_DEFAULTS.labels, 35: 'notice', 45: 'audit' } };

describe('levelOfPino', () => {
  it("maps pino's levels, and custom ones by name or else by number", () => {
    expect([10, 20, 30, 40, 50, 60].map((n) => levelOfPino(n, PINO_DEFAULTS))).toEqual([
      'debug',
      'debug',
      'info',
      'warning',
      'error',
      'critical',
    ]);
    expect(levelOfPino(35, CUSTOM)).toBe('info');
    expect(levelOfPino(45, CUSTOM)).toBe('warning');
    expect(levelOfPino(45, CUSTOM, { audit: 'critical' })).toBe('critical');
    expect(levelOfPino('warn', CUSTOM)).toBe('warning');
    expect(levelOfPino('notice', CUSTOM)).toBe('info');
  });
});

describe('mapPinoLine', () => {
  it("keeps pino's time, message and bindings, and leaves out pid and hostname", () => {
    const line = {
      level: 30,
      time: 1700000000123,
      pid: 1,
      hostname: 'h',
      request_id: 'r-1',
      user_id: 7,
      msg: 'signed in',
    };
    expect(mapPinoLine(line, PINO_DEFAULTS, {}, 5)).toEqual({
      time: 1700000000123,
      tail: ',"level":"info","msg":"signed in","fields":{"request_id":"r-1","user_id":7}}',
    });
  });

  it("makes pino's serialized err the record's error, cause included, and its message the message when there is none", () => {
    const err = {
      type: 'TypeError',
      message: 'bad',
      stack: 'TypeError: bad\n    at x',
      code: 'E_BAD',
      cause: { type: 'Error', message: 'root', stack: 'Error: root' },
    };
    const { tail } = mapPinoLine({ level: 50, time: 1, err }, PINO_DEFAULTS, {}, 5);
    expect(JSON.parse(`{${tail.slice(1)}`)).toEqual({
      level: 'error',
      msg: 'bad',
      err: {
        name: 'TypeError',
        message: 'bad',
        stack: 'TypeError: bad\n    at x',
        code: 'E_BAD',
        cause: { name: 'Error', message: 'root', stack: 'Error: root' },
      },
    });
  });

  it('honours custom message and error keys, and keeps an err that is no error as a field', () => {
    const config = { ...PINO_DEFAULTS, messageKey: 'message', errorKey: 'error' };
    const { tail, time } = mapPinoLine({ level: 40, message: 'hi', err: 'text' }, config, {}, 99);
    expect(time).toBe(99);
    expect(tail).toBe(',"level":"warning","msg":"hi","fields":{"err":"text"}}');
  });
});
