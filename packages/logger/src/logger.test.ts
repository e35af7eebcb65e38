import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { folderSetup, MemoryPipeline, testSetup } from './core/test-support.js';
import { QueueFullError } from './errors.js';
import { Logger } from './logger.js';

const loggers: Logger[] = [];
function make(sink: MemoryPipeline, more = {}): Logger {
  const log = new Logger('test', testSetup(sink, more));
  loggers.push(log);
  return log;
}
afterEach(async () => {
  await Promise.all(loggers.splice(0).map((log) => log.shutdown()));
});

describe('Logger', () => {
  it('records the values of fields at the moment of the call', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const fields = { step: 1, nested: { loss: 0.5 }, list: [1] };
    log.info('before', fields);
    fields.step = 2;
    fields.nested.loss = 0.1;
    fields.list.push(2);
    log.info('after', fields);
    await log.flush();
    const [before, after] = sink.parsed();
    expect(before?.fields).toEqual({ step: 1, nested: { loss: 0.5 }, list: [1] });
    expect(after?.fields).toEqual({ step: 2, nested: { loss: 0.1 }, list: [1, 2] });
  });

  it('writes a message logged with nested and flat fields in turn exactly, whichever way each call goes', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const expected: unknown[] = [];
    // Runs of nested fields long enough to pass the retry, then flat ones, no fields, and a getter that throws.
    for (let i = 0; i < 300; i++) {
      const shape = Math.floor(i / 70) % 3;
      const fields =
        i % 97 === 50
          ? undefined
          : shape === 0
            ? { step: i, deep: { loss: i / 2, tags: ['a', i] } }
            : shape === 1
              ? { step: i, ok: i % 2 === 0, who: `w${i}` }
              : Object.defineProperty({ step: i }, 'bad', {
                  enumerable: true,
                  get: () => {
                    throw new Error('nope');
                  },
                });
      log.info('tick', fields);
      expected.push(
        fields === undefined
          ? undefined
          : shape === 2
            ? { step: i, bad: '[getter threw: nope]' }
            : structuredClone(fields),
      );
    }
    await log.flush();
    expect(sink.parsed().map((r) => r.fields)).toEqual(expected);
  });

  it('records an error as it is at the moment of the call, the same error logged again included', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const err = new Error('connection reset');
    log.exception('failed', err);
    log.exception('failed', err);
    err.message = 'connection refused';
    log.exception('failed', err);
    await log.flush();
    expect(sink.parsed().map((r) => r.err?.message)).toEqual([
      'connection reset',
      'connection reset',
      'connection refused',
    ]);
  });

  it('numbers records in call order with level, message and a microsecond timestamp', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const start = Date.now();
    log.debug('a');
    log.warn('b');
    log.fatal('c');
    log.divider('epoch 2');
    await log.flush();
    const records = sink.parsed();
    expect(records.map((r) => [r.seq, r.level, r.msg])).toEqual([
      [1, 'debug', 'a'],
      [2, 'warning', 'b'],
      [3, 'critical', 'c'],
      [4, 'info', 'epoch 2'],
    ]);
    expect(records[3]?.kind).toBe('divider');
    // Records tell time by performance.timeOrigin + performance.now(): Node anchors that to the wall
    // clock once per thread, so on a loaded machine it can sit some milliseconds off Date.now().
    expect(records[0]?.ts).toBeGreaterThanOrEqual(start - 50);
    expect(records[0]?.ts).toBeLessThanOrEqual(Date.now() + 50);
    expect(sink.lines[0]).toMatch(/"ts":\d+\.\d{3},/);
  });

  it('keeps seq order when a getter logs while its record is being encoded', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const fields = {
      get value() {
        log.info('from the getter');
        return 42;
      },
    };
    log.info('outer', fields);
    log.info('next');
    await log.flush();
    const records = sink.parsed();
    expect(records.map((r) => [r.seq, r.msg])).toEqual([
      [1, 'from the getter'],
      [2, 'outer'],
      [3, 'next'],
    ]);
    expect(records[1]?.fields).toEqual({ value: 42 });
  });

  it('keeps the values of a record whose getter logs a record without fields, both messages seen before', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const fields = (n: number) => ({
      before: n,
      get value() {
        log.info('from the getter');
        return n + 1;
      },
      after: `s${n}`,
    });
    for (let n = 0; n < 4; n++) log.info('outer', fields(10 * n));
    await log.flush();
    const records = sink.parsed();
    expect(records.filter((r) => r.msg === 'outer').map((r) => r.fields)).toEqual([
      { before: 0, value: 1, after: 's0' },
      { before: 10, value: 11, after: 's10' },
      { before: 20, value: 21, after: 's20' },
      { before: 30, value: 31, after: 's30' },
    ]);
    expect(records.map((r) => r.msg)).toEqual(Array.from({ length: 4 }, () => ['from the getter', 'outer']).flat());
  });

  it('writes repeated and changing field shapes alike, keys escaped', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    log.info('a', { x: 1, y: 'two' });
    log.info('b', { y: 'two', x: 1 });
    log.info('c', { x: 1, 'q"uote': true, z: null });
    log.info('d', { x: 1, y: 'two' });
    log.info('e', {});
    await log.flush();
    expect(sink.parsed().map((r) => r.fields)).toEqual([
      { x: 1, y: 'two' },
      { y: 'two', x: 1 },
      { x: 1, 'q"uote': true, z: null },
      { x: 1, y: 'two' },
      undefined,
    ]);
    expect(sink.lines[1]).toContain('"fields":{"y":"two","x":1}');
  });

  it('writes each error as it is at the call, however alike the errors before it', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const err = new Error('first', { cause: new Error('root') });
    log.exception('failed', err);
    log.exception('failed', err);
    err.message = 'second';
    log.exception('failed', err);
    const twin = new Error('second', { cause: new Error('other root') });
    twin.stack = err.stack;
    log.exception('failed', twin);
    (err as { code?: string }).code = 'E_AGAIN';
    log.exception('failed', err);
    await log.flush();
    const errs = sink.parsed().map((r) => r.err);
    expect(errs.map((e) => [e?.message, e?.cause?.message, e?.code])).toEqual([
      ['first', 'root', undefined],
      ['first', 'root', undefined],
      ['second', 'root', undefined],
      ['second', 'other root', undefined],
      ['second', 'root', 'E_AGAIN'],
    ]);
    expect(errs[3]?.stack).toBe(err.stack);
  });

  it('leaves out levels below the threshold', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink, { level: 'warning' });
    log.debug('no');
    log.info('no');
    log.warning('yes');
    log.error('yes');
    await log.flush();
    expect(sink.parsed().map((r) => r.level)).toEqual(['warning', 'error']);
  });

  it('logs an exception with its stack and cause chain', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    log.exception('failed', new TypeError('outer', { cause: new Error('inner') }), { shard: 3 });
    await log.flush();
    const [record] = sink.parsed();
    expect(record?.level).toBe('error');
    expect(record?.fields).toEqual({ shard: 3 });
    expect(record?.err).toMatchObject({ name: 'TypeError', message: 'outer', cause: { message: 'inner' } });
    expect(record?.err?.stack).toContain('logger.test.ts');
  });

  it('adds child bindings and context fields, the call’s own fields winning', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const child = log.child({ request_id: 7, user: 'ann' });
    await log.context({ tag: 'http', route: '/x' }, async () => {
      child.info('served', { user: 'bob' });
    });
    child.info('outside');
    await log.flush();
    const [inside, outside] = sink.parsed();
    expect(inside?.tag).toBe('http');
    expect(inside?.fields).toEqual({ request_id: 7, user: 'bob', route: '/x' });
    expect(outside?.tag).toBeUndefined();
    expect(outside?.fields).toEqual({ request_id: 7, user: 'ann' });
  });

  it('keeps the tags of concurrent contexts apart and merges their records by seq', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const worker = (name: string) =>
      log.context(name, async () => {
        for (let i = 0; i < 50; i++) {
          log.info(`${name} ${i}`);
          await tick();
          if (i === 25) log.tag(`${name}-late`);
        }
      });
    await Promise.all([worker('a'), worker('b'), worker('c')]);
    log.info('root');
    await log.flush();
    const records = sink.parsed();
    expect(records).toHaveLength(151);
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
    for (const r of records.slice(0, 150)) {
      const [name, i] = r.msg.split(' ');
      expect(r.tag).toBe(Number(i) > 25 ? `${name}-late` : name);
    }
    expect(records[150]?.tag).toBeUndefined();
  });

  it('drops only the flooding context’s oldest records when the pipeline cannot keep up', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink, { queueSize: 16 });
    sink.holding = true;
    await Promise.all([
      log.context('noisy', async () => {
        for (let i = 0; i < 100; i++) log.debug(`noise ${i}`);
      }),
      log.context('request-42', async () => {
        log.error('the error that matters', { code: 1 });
        log.error('and its follow-up', { code: 2 });
      }),
    ]);
    expect(log.stats().dropped).toBe(84);
    expect(log.stats().queues.find((q) => q.context === 'noisy')).toMatchObject({ size: 16, capacity: 16, fill: 1 });
    sink.holding = false;
    expect(await log.flush()).toBe(true);
    const records = sink.parsed();
    expect(records.filter((r) => r.tag === 'request-42').map((r) => r.msg)).toEqual([
      'the error that matters',
      'and its follow-up',
    ]);
    expect(records.filter((r) => r.tag === 'noisy').map((r) => r.msg)).toEqual(
      Array.from({ length: 16 }, (_, i) => `noise ${84 + i}`),
    );
    expect(sink.drops).toEqual([{ from: 1, to: 84, count: 84 }]);
    expect(log.stats().dropRate).toBeCloseTo(84 / 102);
  });

  it("throws QueueFullError under overflow 'raise' and nothing else", async () => {
    const sink = new MemoryPipeline();
    const log = make(sink, { queueSize: 16, overflow: 'raise' });
    sink.holding = true;
    for (let i = 0; i < 16; i++) log.info(`r${i}`);
    expect(() => log.info('one too many')).toThrow(QueueFullError);
    sink.holding = false;
    log.info('room again');
    await log.flush();
    expect(sink.parsed().map((r) => r.msg)).toEqual([...Array.from({ length: 16 }, (_, i) => `r${i}`), 'room again']);
    expect(log.stats().dropped).toBe(0);
  });

  it("drains to the sinks from the caller under overflow 'block', losing nothing", async () => {
    const sink = new MemoryPipeline();
    const log = make(sink, { queueSize: 16, overflow: 'block' });
    let waited = 0;
    sink.onFlushSync = () => {
      waited++;
      sink.holding = false;
    };
    sink.holding = true;
    for (let i = 0; i < 40; i++) {
      log.info(`r${i}`);
      if (i % 16 === 0) sink.holding = true;
    }
    sink.holding = false;
    await log.flush();
    expect(waited).toBeGreaterThan(0);
    expect(sink.parsed().map((r) => r.msg)).toEqual(Array.from({ length: 40 }, (_, i) => `r${i}`));
    expect(log.stats().dropped).toBe(0);
  });

  it('hands full batches on at the next turn of the event loop, not in the call that fills one', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink, { flushInterval: 60_000 });
    for (let i = 0; i < 5000; i++) log.info('tight loop', { i });
    expect(sink.lines).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.lines).toHaveLength(5000);
  });

  it('hands batches on from the hot path in a loop that never yields, eight at a time', () => {
    const sink = new MemoryPipeline();
    const log = make(sink, { flushInterval: 60_000 });
    for (let i = 0; i < 40_000; i++) log.info('tight loop', { i });
    expect(sink.lines.length).toBeGreaterThanOrEqual(32_768);
    expect(sink.batches.every((b) => b.lines.startsWith('{"seq":') && b.count <= 1024)).toBe(true);
  });

  it('reports logged, dropped, queues, checkpoints and uptime in stats()', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    log.info('a');
    log.save('c1', { x: 1 });
    const stats = log.stats();
    expect(stats).toMatchObject({
      logged: 1,
      dropped: 0,
      dropRate: 0,
      checkpointsSaved: 1,
      dashboardClients: 0,
      dashboardSkipped: 0,
    });
    expect(stats.queues[0]).toMatchObject({ context: 'root', capacity: 100_000 });
    expect(stats.uptimeMs).toBeGreaterThanOrEqual(0);
  });

  it('counts calls after shutdown as dropped', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    log.info('kept');
    await log.shutdown();
    await log.shutdown();
    log.info('too late');
    expect(sink.parsed().map((r) => r.msg)).toEqual(['kept']);
    expect(log.stats().dropped).toBe(1);
  });

  it('streams checkpoint changes after the records logged before them', async () => {
    const sink = new MemoryPipeline();
    const log = make(sink);
    log.info('before');
    log.save('epoch-1', { loss: 0.3 }, { status: 'DONE', progress: 10 });
    expect(sink.lines).toHaveLength(1);
    expect(log.deleteCheckpoint('epoch-1')).toBe(true);
    expect(log.deleteCheckpoint('epoch-1')).toBe(false);
    expect(sink.checkpoints.map((c) => c.op)).toEqual(['upsert', 'delete']);
    expect(sink.checkpoints[0]).toMatchObject({ checkpoint: { name: 'epoch-1', status: 'DONE', progress: 10 } });
  });

  it('keeps only the newest keepSessions finished session files of its own name', async () => {
    const setup = folderSetup();
    const dir = setup.sessionDir as string;
    mkdirSync(dir, { recursive: true });
    const recording = (name: string, startedAt: number) =>
      `${JSON.stringify({ type: 'session', format: 1, session: { id: `${name}-${startedAt}`, name, pid: 999_999_999, host: 'elsewhere', startedAt } })}\n${JSON.stringify({ type: 'end', reason: 'exit', at: startedAt + 1, lastSeq: 0 })}\n`;
    const files = ['old-1.ndjson', 'old-2.ndjson', 'old-3.ndjson', 'other.ndjson'];
    for (const [i, file] of files.entries()) {
      writeFileSync(join(dir, file), recording(i < 3 ? 'pruned' : 'another job', 1_000_000 + i));
      utimesSync(join(dir, file), 1000 + i, 1000 + i);
    }
    writeFileSync(join(dir, 'notes.txt'), 'not a session');
    const log = new Logger('pruned', { ...setup, sessionDir: dir, keepSessions: 2 });
    log.info('x');
    await log.shutdown();
    expect(readdirSync(dir).sort()).toEqual(
      [basename(log.stats().sessionFile as string), 'notes.txt', 'old-3.ndjson', 'other.ndjson'].sort(),
    );
  });

  it('writes a session file: header, records in order, checkpoints and an end line', async () => {
    const log = new Logger('session test', folderSetup());
    for (let i = 0; i < 3000; i++) log.info('r', { i });
    log.save('c', 1);
    await log.shutdown();
    const file = log.stats().sessionFile as string;
    expect(file).toMatch(/session_test-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z\.ndjson$/);
    const lines = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'session', session: { name: 'session test' } });
    expect(lines.slice(1, 3001).map((r) => r.seq)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(lines[3001]).toMatchObject({ type: 'checkpoint', op: 'upsert' });
    expect(lines[3002]).toMatchObject({ type: 'end', reason: 'shutdown', lastSeq: 3000 });
    // Template records (the same message again and again) land in the file with their own values.
    expect(lines.slice(1, 3001).map((r) => r.fields.i)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});
