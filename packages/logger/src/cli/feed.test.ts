import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPipeline, testSetup } from '../core/test-support.js';
import { Logger } from '../logger.js';
import { LineFeed, QUIET_MS, roomInQueues } from './feed.js';

const loggers: Logger[] = [];

function make(pipeline: MemoryPipeline, more = {}): Logger {
  const log = new Logger('feed', testSetup(pipeline, more));
  loggers.push(log);
  return log;
}

afterEach(async () => {
  await Promise.all(loggers.splice(0).map((log) => log.shutdown()));
});

describe('LineFeed', () => {
  it("queues each line's record with its own time, level, fields and the stream's source", async () => {
    const pipeline = new MemoryPipeline();
    const log = make(pipeline);
    const feed = new LineFeed(log, { source: 'api', defaultLevel: 'info' });
    feed.write(Buffer.from('{"level":40,"time":1700000000500,"msg":"slow","ms":900}\nplain'));
    feed.write(Buffer.from(' text\n'));
    feed.end();
    await log.flush();
    expect(pipeline.parsed().map(({ seq, ...rest }) => rest)).toEqual([
      { ts: 1700000000500, level: 'warning', msg: 'slow', source: 'api', fields: { ms: 900 } },
      { ts: expect.any(Number), level: 'info', msg: 'plain text', source: 'api' },
    ]);
    expect([feed.lines, feed.records]).toEqual([2, 2]);
  });

  it('closes a record left open once its stream has been quiet a while', async () => {
    const pipeline = new MemoryPipeline();
    const log = make(pipeline);
    const feed = new LineFeed(log, { source: 'job', defaultLevel: 'warning' });
    feed.write(Buffer.from('waiting for input\n'));
    await log.flush();
    // The line may still be continued (a stack may follow), so it waits...
    expect(pipeline.parsed()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS * 3));
    await log.flush();
    // ...but not for ever.
    expect(pipeline.parsed().map((r) => [r.level, r.msg])).toEqual([['warning', 'waiting for input']]);
  });

  it('marks the record of a junk line with what was wrong with it', async () => {
    const pipeline = new MemoryPipeline();
    const log = make(pipeline);
    const feed = new LineFeed(log, { source: 'stdin', defaultLevel: 'info', maxLine: 1024 });
    feed.write(Buffer.concat([Buffer.alloc(3000, 'z'), Buffer.from('\n\u0000\n')]));
    feed.end();
    await log.flush();
    expect(pipeline.parsed().map((r) => r.fields)).toEqual([{ cut_bytes: 3000 - 1024 }, { binary: true }]);
    expect(feed.junk).toEqual({ cut: 1, invalidUtf8: 0, binary: 1 });
  });
});

describe('roomInQueues', () => {
  it('waits while the queues are more than half full, so a reader drops nothing', async () => {
    const pipeline = new MemoryPipeline();
    const log = make(pipeline, { queueSize: 1000 });
    const feed = new LineFeed(log, { source: 'file', defaultLevel: 'info' });
    pipeline.holding = true;
    feed.write(Buffer.from('line\n'.repeat(700)));
    let roomy = false;
    const waiting = roomInQueues(log).then(() => {
      roomy = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(roomy).toBe(false);
    pipeline.holding = false;
    await waiting;
    feed.end();
    await log.flush();
    expect(pipeline.parsed()).toHaveLength(700);
    expect(log.stats().dropped).toBe(0);
  });
});
