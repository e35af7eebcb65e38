import { formatValue, searchText } from '@pulselog/shared/query';
import { describe, expect, it } from 'vitest';
import { chipValue, formatBytes, formatDuration, shortNumber } from './text.js';

describe('searchText', () => {
  it('holds message without escape codes, tag, fields and error, in lower case', () => {
    const text = searchText({
      seq: 1,
      ts: 0,
      level: 'error',
      msg: '\u001b[31mDisk\u001b[0m FULL',
      tag: 'IO',
      fields: { Mount: '/Data', free: 0, deep: { a: [1] } },
      err: { name: 'RangeError', message: 'No Space' },
    });
    expect(text).toBe('disk full\nio\nmount=/data\nfree=0\ndeep={"a":[1]}\nrangeerror: no space');
  });
});

describe('formatting', () => {
  it('shortens long values and formats durations and sizes', () => {
    expect(formatValue('x'.repeat(200))).toBe('x'.repeat(200));
    expect(formatValue({ a: 'x'.repeat(200) })).toHaveLength(118);
    expect(formatValue(null)).toBe('null');
    expect(formatDuration(5200)).toBe('5.2s');
    expect(formatDuration(184_000)).toBe('3m 04s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MB');
  });
});

describe('shortNumber', () => {
  it('keeps integers exact and shortens other numbers to four significant digits', () => {
    expect(shortNumber(0.00011622614670000002)).toBe('1.162e-4');
    expect(shortNumber(0.4321987)).toBe('0.4322');
    expect(shortNumber(3.5)).toBe('3.5');
    expect(shortNumber(123456.789)).toBe('123500');
    expect(shortNumber(2.5e9 + 0.5)).toBe('2.5e9');
    expect(shortNumber(-0.000012346)).toBe('-1.235e-5');
    expect(shortNumber(123456789)).toBe('123456789');
    expect(chipValue(0.1 + 0.2)).toBe('0.3');
    expect(chipValue('0.30000000000000004')).toBe('0.30000000000000004');
  });
});
