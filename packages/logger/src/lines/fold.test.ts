import type { LevelName } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { LineFolder } from './fold.js';
import type { ParsedRecord } from './record.js';

/** Every record the lines make, the last one closed by the end of the stream. */
function fold(text: string, defaultLevel: LevelName = 'info'): ParsedRecord[] {
  const folder = new LineFolder({ defaultLevel });
  const out: ParsedRecord[] = [];
  for (const line of text.split('\n')) {
    const closed = folder.push(line, 1000);
    if (closed) out.push(closed);
  }
  const last = folder.end();
  if (last) out.push(last);
  return out;
}

describe('LineFolder', () => {
  it('folds an uncaught Python traceback into one error record named after its exception', () => {
    const records = fold(
      [
        'Traceback (most recent call last):',
        '  File "/app/job.py", line 9, in <module>',
        '    main()',
        '  File "/app/job.py", line 5, in main',
        '    raise ValueError("shard 17 is corrupt")',
        'ValueError: shard 17 is corrupt',
        'next line',
      ].join('\n'),
      'warning',
    );
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({
      level: 'error',
      msg: 'ValueError: shard 17 is corrupt',
      err: { name: 'ValueError', message: 'shard 17 is corrupt' },
    });
    expect(records[0]?.err?.stack?.split('\n')).toHaveLength(6);
    expect(records[1]).toMatchObject({ level: 'warning', msg: 'next line' });
  });

  it("folds a chained traceback, and logging.exception's traceback into its message's record, keeping its level", () => {
    const chained = fold(
      [
        'Traceback (most recent call last):',
        '  File "a.py", line 2, in <module>',
        "KeyError: 'x'",
        '',
        'During handling of the above exception, another exception occurred:',
        '',
        'Traceback (most recent call last):',
        '  File "a.py", line 4, in <module>',
        'RuntimeError: lookup failed',
      ].join('\n'),
    );
    expect(chained).toHaveLength(1);
    expect(chained[0]?.err).toMatchObject({ name: 'RuntimeError', message: 'lookup failed' });
    const logged = fold(
      ['CRITICAL:root:giving up', 'Traceback (most recent call last):', '  File "b.py", line 1', 'OSError: disk'].join(
        '\n',
      ),
    );
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'critical', msg: 'CRITICAL:root:giving up', err: { name: 'OSError' } });
  });

  it('folds Node and Java stacks into the line above them, as an error record', () => {
    const node = fold(
      ['TypeError: x is not a function', '    at f (/app/a.js:1:2)', '    at g (/app/b.js:3:4)'].join('\n'),
    );
    expect(node).toHaveLength(1);
    expect(node[0]).toMatchObject({
      level: 'error',
      msg: 'TypeError: x is not a function',
      err: { name: 'TypeError' },
    });
    const java = fold(
      [
        'Exception in thread "main" java.lang.IllegalStateException: closed',
        '\tat com.acme.Pool.take(Pool.java:42)',
        'Caused by: java.io.IOException: reset',
        '\tat com.acme.Net.read(Net.java:7)',
        '\t... 3 more',
      ].join('\n'),
    );
    expect(java).toHaveLength(1);
    expect(java[0]?.err?.stack).toContain('Caused by: java.io.IOException: reset');
  });

  it("folds indented continuation lines into the record's message", () => {
    expect(fold('config:\n  port: 80\n  host: a\nnext')).toEqual([
      expect.objectContaining({ msg: 'config:\n  port: 80\n  host: a', err: undefined }),
      expect.objectContaining({ msg: 'next' }),
    ]);
  });

  it('keeps each JSON line a record of its own, at least at the stream default level unless it names one', () => {
    const records = fold('{"level":"debug","msg":"a"}\n{"msg":"b"}\nplain', 'warning');
    expect(records.map((r) => [r.level, r.msg])).toEqual([
      ['debug', 'a'],
      ['warning', 'b'],
      ['warning', 'plain'],
    ]);
  });

  it('keeps ANSI colours in the message', () => {
    expect(fold('\u001b[33mWARN\u001b[0m slow')[0]).toMatchObject({
      level: 'warning',
      msg: '\u001b[33mWARN\u001b[0m slow',
    });
  });
});
