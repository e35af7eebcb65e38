import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPipeline, testSetup } from './core/test-support.js';
import { INGEST } from './ingest.js';
import { Logger } from './logger.js';

const loggers: Logger[] = [];

function make(pipeline: MemoryPipeline, more = {}): Logger {
  const log = new Logger('ingest', testSetup(pipeline, more));
  loggers.push(log);
  return log;
}

afterEach(async () => {
  await Promise.all(loggers.splice(0).map((log) => log.shutdown()));
});

describe('Logger[INGEST]', () => {
  it("numbers records made elsewhere among the logger's own and keeps their times", async () => {
    const pipeline = new MemoryPipeline();
    const log = make(pipeline);
    const ingest = log[INGEST]('otlp');
    log.info('own first');
    ingest(
      [1700000000123.456, 1700000000124],
      [',"level":"info","msg":"a","source":"svc"}', ',"level":"error","msg":"b"}'],
    );
    log.info('own last');
    await log.flush();
    const records = pipeline.parsed();
    expect(records.map((r) => [r.seq, r.msg])).toEqual([
      [1, 'own first'],
      [2, 'a'],
      [3, 'b'],
      [4, 'own last'],
    ]);
    expect(records[1]).toMatchObject({ ts: 1700000000123.456, source: 'svc' });
    expect(records[2]?.ts).toBe(1700000000124);
    expect(log.stats().logged).toBe(4);
  });

  it("leaves out records below the logger's level", async () => {
    const pipeline = new MemoryPipeline();
    const log = make(pipeline, { level: 'warning' });
    log[INGEST]('otlp')([1, 2], [',"level":"debug","msg":"quiet"}', ',"level":"error","msg":"loud"}']);
    await log.flush();
    expect(pipeline.parsed().map((r) => r.msg)).toEqual(['loud']);
  });

  it('drops the newest records of a full queue, counted and noted, rather than blocking or throwing', async () => {
    const pipeline = new MemoryPipeline();
    const log = make(pipeline, { queueSize: 16, overflow: 'raise' });
    pipeline.holding = true;
    const tails = Array.from({ length: 20 }, (_, i) => `,"level":"info","msg":"r${i}"}`);
    expect(() => log[INGEST]('otlp')(new Array(20).fill(5), tails)).not.toThrow();
    expect(log.stats().dropped).toBe(4);
    pipeline.holding = false;
    await log.flush();
    expect(pipeline.parsed().map((r) => r.msg)).toEqual(tails.slice(0, 16).map((_, i) => `r${i}`));
    expect(pipeline.drops).toEqual([{ from: 17, to: 20, count: 4 }]);
  });
});
