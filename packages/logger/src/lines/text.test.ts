import { describe, expect, it } from 'vitest';
import { recordOfLogfmt } from './logfmt.js';
import { levelOfText, stripAnsi } from './text.js';

describe('levelOfText', () => {
  it('takes a leading or bracketed level word, after a date, time or pid', () => {
    const lines = [
      'ERROR could not connect',
      '2024-05-01 10:00:00,123 WARNING retrying',
      '2024-05-01T10:00:00Z [debug] cache warm',
      'WARNING:root:disk low',
      '[ERROR] boom',
      '<crit> disk gone',
      'myapp[123]: [fatal] giving up',
      'I0501 10:00:00.000 nothing',
      'warning: unused variable',
    ];
    expect(lines.map(levelOfText)).toEqual([
      'error',
      'warning',
      'debug',
      'warning',
      'error',
      'critical',
      'critical',
      undefined,
      'warning',
    ]);
  });

  it('does not take a level word inside another word or deep in the text', () => {
    expect(levelOfText('Debugging the informant')).toBeUndefined();
    expect(levelOfText('0 errors found')).toBeUndefined();
    expect(levelOfText('the request finished without an error')).toBeUndefined();
  });

  it('looks through ANSI colours for the level', () => {
    expect(levelOfText('\u001b[31mERROR\u001b[39m disk full')).toBe('error');
    expect(stripAnsi('\u001b[1;32mok\u001b[0m')).toBe('ok');
  });
});

describe('recordOfLogfmt', () => {
  it('reads level, msg and time, quoted values with escapes, numbers and booleans', () => {
    const record = recordOfLogfmt(
      'time=2024-05-01T10:00:00Z level=warn msg="disk \\"sda\\" almost full" free_mb=812 ok=false path=/var',
      1,
    );
    expect(record).toEqual({
      time: Date.parse('2024-05-01T10:00:00Z'),
      level: 'warning',
      levelGiven: true,
      msg: 'disk "sda" almost full',
      fields: { free_mb: 812, ok: false, path: '/var' },
      err: undefined,
    });
  });

  it('is not logfmt when a token is not a pair, or there is one pair only', () => {
    expect(recordOfLogfmt('user logged in with id=42', 1)).toBeUndefined();
    expect(recordOfLogfmt('a=1', 1)).toBeUndefined();
  });
});
