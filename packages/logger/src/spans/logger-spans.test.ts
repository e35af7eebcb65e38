import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPipeline, testSetup } from '../core/test-support.js';
import { Logger } from '../logger.js';

const loggers: Logger[] = [];
afterEach(async () => {
  await Promise.all(loggers.splice(0).map((log) => log.shutdown()));
});

function make(sink: MemoryPipeline): Logger {
  const log = new Logger('spans', testSetup(sink));
  loggers.push(log);
  return log;
}

describe('Logger spans', () => {
  it('writes one record per span with its name and duration, keeping the bindings of a child', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const job = log.child({ job: 'etl' });
    const rows = await job.span(
      'load rows',
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return 42;
      },
      { table: 'users' },
    );
    expect(rows).toBe(42);
    const end = log.time('epoch', { epoch: 1 });
    end({ loss: 0.5 });
    await log.flush();
    const [span, timed] = sink.parsed();
    expect(span).toMatchObject({
      level: 'info',
      msg: 'load rows',
      fields: { job: 'etl', table: 'users', span: 'load rows' },
    });
    expect(span?.fields?.duration_ms).toBeGreaterThanOrEqual(15);
    expect(timed).toMatchObject({ level: 'info', msg: 'epoch', fields: { epoch: 1, loss: 0.5, span: 'epoch' } });
  });

  it('writes an error record when the function throws, and the error reaches the caller', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    await expect(
      log.span('migrate', () => {
        throw new TypeError('no table');
      }),
    ).rejects.toThrow('no table');
    await log.flush();
    const [failed] = sink.parsed();
    expect(failed).toMatchObject({
      level: 'error',
      msg: 'migrate failed',
      fields: { span: 'migrate' },
      err: { name: 'TypeError', message: 'no table' },
    });
  });

  it('flags a call far slower than the name usually takes', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    // Twenty-five quick calls, then one that waits 300 ms: a margin no machine load closes.
    for (let i = 0; i < 25; i++) log.time('tick')();
    await log.span('tick', () => new Promise((resolve) => setTimeout(resolve, 300)));
    await log.flush();
    const records = sink.parsed();
    expect(records.filter((r) => r.fields?.anomaly)).toHaveLength(1);
    expect(records.at(-1)).toMatchObject({ level: 'warning', fields: { span: 'tick' } });
    expect(records.at(-1)?.fields?.anomaly).toMatch(/^\d+ ms, .* of 25 calls$/);
  });
});
