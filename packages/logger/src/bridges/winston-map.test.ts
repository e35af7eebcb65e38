import { describe, expect, it } from 'vitest';
import { errorOf, fieldsOf, levelOfWinston } from './winston-map.js';

describe('levelOfWinston', () => {
  it("maps npm's and syslog's levels, and custom ones given", () => {
    const npm = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'].map((l) => levelOfWinston(l));
    expect(npm).toEqual(['error', 'warning', 'info', 'info', 'debug', 'debug', 'debug']);
    const syslog = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'].map((l) =>
      levelOfWinston(l),
    );
    expect(syslog).toEqual(['critical', 'critical', 'critical', 'error', 'warning', 'info', 'info', 'debug']);
    expect(levelOfWinston('audit', { audit: 'warning' })).toBe('warning');
    expect(levelOfWinston('unheard-of')).toBe('info');
  });
});

describe('errorOf and fieldsOf', () => {
  it('takes an error logged alone, keeping the metadata winston added to it', () => {
    const err = Object.assign(new RangeError('out of range'), {
      level: 'error',
      message: 'out of range',
      service: 'billing',
    });
    expect(errorOf(err as never)).toBe(err);
    expect(fieldsOf(err as never, err)).toEqual({ service: 'billing' });
  });

  it('takes an error given as metadata out of the fields', () => {
    const err = new Error('declined');
    const info = { level: 'error', message: 'payment failed', cause: err, order: 3 };
    expect(errorOf(info)).toBe(err);
    expect(fieldsOf(info, err)).toEqual({ order: 3 });
  });

  it("rebuilds the error from a stack merged into info, its name and message from the stack's first line", () => {
    const info = {
      level: 'error',
      message: 'payment failed card declined',
      stack: 'TypeError: card declined\n    at pay (x.js:1:1)',
    };
    const err = errorOf(info);
    expect([err?.name, err?.message, err?.stack]).toEqual(['TypeError', 'card declined', info.stack]);
    expect(fieldsOf(info, err)).toEqual({});
  });

  it("keeps what winston's exception handler adds out of the fields but the mark that it was one", () => {
    const error = new Error('nobody caught this');
    const info = {
      level: 'error',
      message: 'uncaughtException: x',
      exception: true,
      error,
      stack: error.stack,
      os: {},
      process: {},
      trace: [],
      date: 'now',
    };
    expect(errorOf(info)).toBe(error);
    expect(fieldsOf(info, error)).toEqual({ exception: true });
  });
});
