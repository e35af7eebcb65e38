import { describe, expect, it } from 'vitest';
import { recordOfObject, timeOfValue } from './json.js';

const NOW = 1_800_000_000_000;
const parse = (line: string) => recordOfObject(JSON.parse(line), NOW);

describe('recordOfObject', () => {
  it("reads pino's numeric level, msg, time and err with its stack, leaving pid and hostname to the session", () => {
    const record = parse(
      '{"level":50,"time":1700000000123,"pid":4242,"hostname":"box","req":7,"err":{"type":"TypeError","message":"bad input","stack":"TypeError: bad input\\n    at f (app.js:3:9)","code":"E_BAD"},"msg":"request failed"}',
    );
    expect(record).toEqual({
      time: 1700000000123,
      level: 'error',
      levelGiven: true,
      msg: 'request failed',
      fields: { req: 7 },
      err: {
        name: 'TypeError',
        message: 'bad input',
        stack: 'TypeError: bad input\n    at f (app.js:3:9)',
        code: 'E_BAD',
      },
    });
  });

  it('maps every pino and bunyan level number', () => {
    expect([10, 20, 30, 40, 50, 60].map((level) => parse(`{"level":${level},"msg":"m"}`).level)).toEqual([
      'debug',
      'debug',
      'info',
      'warning',
      'error',
      'critical',
    ]);
  });

  it("reads bunyan's ISO time and drops its format version", () => {
    const record = parse(
      '{"name":"api","hostname":"h","pid":1,"level":40,"msg":"slow","time":"2024-05-01T10:00:00.250Z","v":0}',
    );
    expect(record).toMatchObject({ level: 'warning', msg: 'slow', time: Date.parse('2024-05-01T10:00:00.250Z') });
    expect(record.fields).toEqual({ name: 'api' });
  });

  it("reads winston's json format with format.errors() stack beside the message", () => {
    const record = parse(
      '{"level":"error","message":"amount out of range","stack":"RangeError: amount out of range\\n    at pay (billing.js:9:11)","service":"billing","timestamp":"2024-05-01T10:00:00.000Z"}',
    );
    expect(record).toMatchObject({ level: 'error', msg: 'amount out of range', fields: { service: 'billing' } });
    expect(record.err).toMatchObject({ name: 'RangeError', message: 'amount out of range' });
  });

  it("reads structlog's event, and its exception as the record's error", () => {
    const record = parse(
      '{"event":"payment failed","level":"error","timestamp":"2024-05-01T10:00:00Z","user":3,"exception":"Traceback (most recent call last):\\n  File \\"pay.py\\", line 4, in <module>\\n    charge()\\nValueError: card declined"}',
    );
    expect(record).toMatchObject({ level: 'error', msg: 'payment failed', fields: { user: 3 } });
    expect(record.err).toMatchObject({ name: 'ValueError', message: 'card declined' });
  });

  it("reads loguru's serialized record: level name, message, time in seconds, extra and exception", () => {
    const record = parse(
      JSON.stringify({
        text: '2024-05-01 | WARNING | disk low\n',
        record: {
          level: { name: 'WARNING', no: 30, icon: '!' },
          message: 'disk low',
          time: { repr: '2024-05-01', timestamp: 1714557600.5 },
          extra: { free_mb: 812 },
          name: 'monitor',
          function: 'check',
          line: 12,
          exception: null,
        },
      }),
    );
    expect(record).toEqual({
      time: 1714557600500,
      level: 'warning',
      levelGiven: true,
      msg: 'disk low',
      fields: { free_mb: 812, name: 'monitor', function: 'check', line: 12 },
      err: undefined,
    });
  });

  it("reads zap's ts in seconds, caller and stacktrace, logrus' error and slog's levels", () => {
    const zap = parse(
      '{"level":"dpanic","ts":1714557600.25,"caller":"main.go:12","msg":"bad state","stacktrace":"main.main\\n\\t/app/main.go:12"}',
    );
    expect(zap).toMatchObject({
      level: 'critical',
      time: 1714557600250,
      msg: 'bad state',
      fields: { caller: 'main.go:12' },
    });
    expect(zap.err?.stack).toBe('main.main\n\t/app/main.go:12');
    const logrus = parse(
      '{"level":"warning","msg":"retrying","time":"2024-05-01T10:00:00+02:00","error":"timeout","attempt":2}',
    );
    expect(logrus).toMatchObject({ level: 'warning', msg: 'retrying', fields: { error: 'timeout', attempt: 2 } });
    expect(logrus.time).toBe(Date.parse('2024-05-01T08:00:00Z'));
    const slog = parse('{"time":"2024-05-01T10:00:00Z","level":"INFO+2","msg":"between","k":"v"}');
    expect(slog).toMatchObject({ level: 'info', msg: 'between', fields: { k: 'v' } });
  });

  it('keeps an object without level or message as fields, at the default level, said to be not given', () => {
    expect(parse('{"a":1,"b":"two"}')).toMatchObject({
      level: 'info',
      levelGiven: false,
      msg: '',
      fields: { a: 1, b: 'two' },
    });
  });

  it('keeps a level it cannot read as a field', () => {
    expect(parse('{"level":"chatty","msg":"m"}')).toMatchObject({
      level: 'info',
      levelGiven: false,
      fields: { level: 'chatty' },
    });
  });
});

describe('timeOfValue', () => {
  it('tells seconds, milliseconds, microseconds and nanoseconds apart by size', () => {
    expect([1714557600.5, 1714557600500, 1714557600500000, 1714557600500000000].map(timeOfValue)).toEqual([
      1714557600500, 1714557600500, 1714557600500, 1714557600500,
    ]);
    expect(timeOfValue('not a time')).toBeUndefined();
  });
});
