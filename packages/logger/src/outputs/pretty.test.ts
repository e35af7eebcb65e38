import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import pretty, { fieldValue, PrettyFormatter } from './pretty.js';
import { batchOf } from './test-support.js';

/** 09:05:07.042 in local time, the time the lines show. */
const TS = new Date(2026, 11, 4, 9, 5, 7, 42).getTime();

function record(extra: Partial<LogRecord>): LogRecord {
  return { seq: 1, ts: TS, level: 'info', msg: 'epoch done', ...extra };
}

const plain = () => new PrettyFormatter(false);

describe('pretty output', () => {
  it('prints time, level, context, message and fields as key=value on one line', () => {
    const line = plain().format(record({ tag: 'training', fields: { epoch: 3, loss: 0.31, phase: 'train' } }));
    expect(line).toBe('09:05:07.042 INFO  [training] epoch done  epoch=3 loss=0.31 phase=train\n');
  });

  it('aligns the level and context columns across records', () => {
    const f = plain();
    const lines = [
      f.format(record({ level: 'warning', tag: 'api', msg: 'slow' })),
      f.format(record({ level: 'debug', tag: 'training', msg: 'step' })),
      f.format(record({ level: 'critical', tag: 'api', msg: 'down' })),
    ];
    expect(lines).toEqual([
      '09:05:07.042 WARN  [api] slow\n',
      '09:05:07.042 DEBUG [training] step\n',
      '09:05:07.042 CRIT  [api]      down\n',
    ]);
  });

  it('shows the source of a received record with its tag', () => {
    expect(plain().format(record({ source: 'checkout', tag: 'http', msg: 'paid' }))).toBe(
      '09:05:07.042 INFO  [checkout/http] paid\n',
    );
  });

  it('prints an error with its stack frames and cause chain under the line', () => {
    const err = new TypeError('upstream unavailable');
    const line = plain().format(
      record({
        level: 'error',
        msg: 'request failed',
        fields: { status: 502 },
        err: {
          name: 'TypeError',
          message: 'upstream unavailable',
          stack: err.stack,
          cause: { name: 'Error', message: 'connection refused', code: 'ECONNREFUSED' },
        },
      }),
    );
    const rows = line.split('\n');
    expect(rows[0]).toBe('09:05:07.042 ERROR request failed  status=502');
    expect(rows[1]).toBe('    TypeError: upstream unavailable');
    expect(rows[2]).toMatch(/^ {8}at .*pretty\.test\.ts/);
    expect(rows.at(-2)).toBe('    caused by: Error: connection refused [ECONNREFUSED]');
    expect(rows.at(-1)).toBe('');
  });

  it('quotes field values that would not read back as one token', () => {
    expect(fieldValue('GET /orders')).toBe('"GET /orders"');
    expect(fieldValue('a=b')).toBe('"a=b"');
    expect(fieldValue('')).toBe('""');
    expect(fieldValue({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(fieldValue(null)).toBe('null');
    expect(fieldValue(false)).toBe('false');
  });

  it('draws a divider as a rule', () => {
    expect(plain().format(record({ kind: 'divider', msg: 'epoch 2' }))).toBe('09:05:07.042 ──── epoch 2 ────\n');
  });

  it('colours time, level, context and keys, and keeps a message its own colours', () => {
    const line = new PrettyFormatter(true).format(
      record({ level: 'warning', tag: 'api', msg: '\u001b[31mred\u001b[0m', fields: { n: 1 } }),
    );
    expect(line).toBe(
      '\u001b[2m09:05:07.042\u001b[22m \u001b[33mWARN \u001b[39m \u001b[36m[api]\u001b[39m ' +
        '\u001b[31mred\u001b[0m\u001b[0m  \u001b[2mn=\u001b[22m1\n',
    );
  });

  it('never lets log content move the cursor or recolour a plain terminal', () => {
    const line = plain().format(record({ msg: '\u001b[31mred\u001b[0m \u001b[2Jwipe\rback', fields: { k: '\u0007' } }));
    expect(line).toBe('09:05:07.042 INFO  red \\x1b[2Jwipe\\x0dback  k=\\x07\n');
  });

  it('indents the following lines of a message of several lines', () => {
    expect(plain().format(record({ msg: 'first\nsecond' }))).toBe('09:05:07.042 INFO  first\n    second\n');
  });

  it('writes each batch to its file descriptor in order', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pulselog-pretty-')), 'out.txt');
    const fd = openSync(file, 'w');
    try {
      const output = pretty({ fd });
      const line = (seq: number, msg: string) => JSON.stringify({ seq, ts: TS, level: 'info', msg, fields: { seq } });
      await output.write(batchOf([line(1, 'one'), line(2, 'two')]));
      await output.write(batchOf([line(3, 'three')]));
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(file, 'utf8')).toBe(
      '09:05:07.042 INFO  one  seq=1\n09:05:07.042 INFO  two  seq=2\n09:05:07.042 INFO  three  seq=3\n',
    );
  });

  it('refuses options it cannot use, naming them', () => {
    expect(() => pretty({ fd: 'stderr' })).toThrow('pretty: options.fd must be a file descriptor, not stderr');
    expect(() => pretty({ color: 'yes' })).toThrow('pretty: options.color must be true or false, not yes');
  });
});
