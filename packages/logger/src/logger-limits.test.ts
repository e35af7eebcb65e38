import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { folderSetup } from './core/test-support.js';
import { Logger, type LoggerSetup } from './logger.js';
import { BUDGET_MARKER, DEFAULT_LIMITS } from './serialize.js';

const loggers: Logger[] = [];
afterEach(async () => {
  await Promise.all(loggers.splice(0).map((log) => log.shutdown()));
});

function logger(options: LoggerSetup = {}): Logger {
  const log = new Logger('limits', folderSetup(options));
  loggers.push(log);
  return log;
}

/** The session file's record lines, as text, once the logger has ended. */
async function recordLines(log: Logger): Promise<string[]> {
  await log.shutdown();
  return readFileSync(log.stats().sessionFile as string, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"seq":'));
}

type Line = { msg: string; fields?: Record<string, unknown> };

describe('Logger within the serializer limits', () => {
  it('logs and saves a shared-reference value of 100M leaves in bounded output, the rest marked and counted', async () => {
    const log = logger();
    // Four levels of 100 references to one array: a few kB of memory, 100^4 leaves by path.
    let bomb: unknown = 7;
    for (let level = 0; level < 4; level++) bomb = Array.from({ length: 100 }, () => bomb);
    log.info('bomb', { bomb });
    log.info('bomb', { bomb, again: true });
    log.save('bomb', { bomb });
    const cut = log.stats().cut;
    const saved = JSON.stringify(log.load('bomb'));
    expect(saved.length).toBeLessThan(DEFAULT_LIMITS.maxNodes * 8);
    expect(saved).toContain(BUDGET_MARKER);
    log.info('after', { ok: true });
    const lines = await recordLines(log);
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(0, 2)) {
      // A node costs a few characters of output; the budget bounds the nodes.
      expect(line.length).toBeLessThan(DEFAULT_LIMITS.maxNodes * 8);
      expect(line).toContain(BUDGET_MARKER);
      const fields = (JSON.parse(line) as Line).fields as { bomb: number[][][][] };
      expect(fields.bomb[0]?.[0]?.[0]?.slice(0, 3)).toEqual([7, 7, 7]);
    }
    expect(cut).toBeGreaterThanOrEqual(3);
    expect((JSON.parse(lines[2] as string) as Line).fields).toEqual({ ok: true });
  });

  it('cuts a 100 MB key to 1 KiB with a marker, in flat and in nested fields', async () => {
    const log = logger();
    const key = 'k'.repeat(100_000_000);
    const shown = `${'k'.repeat(DEFAULT_LIMITS.maxKeyLength)}…[truncated, 100000000 chars]`;
    log.info('flat', { [key]: 1, ok: true });
    log.info('flat', { [key]: 2, ok: true });
    log.info('nested', { inner: { [key]: 'v' } });
    expect(log.stats().cut).toBe(3);
    const lines = await recordLines(log);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.length).toBeLessThan(2048);
    const fields = lines.map((line) => (JSON.parse(line) as Line).fields);
    expect(fields).toEqual([{ [shown]: 1, ok: true }, { [shown]: 2, ok: true }, { inner: { [shown]: 'v' } }]);
  });

  it('keeps a 10 MB field whole in the file by default, flat or nested', async () => {
    const log = logger();
    const body = 'b'.repeat(10_000_000);
    log.info('response', { status: 200, body });
    log.info('response', { response: { body } });
    const lines = await recordLines(log);
    const fields = lines.map((line) => (JSON.parse(line) as Line).fields);
    expect(fields).toEqual([{ status: 200, body }, { response: { body } }]);
    expect(log.stats().cut).toBe(0);
  });

  it('cuts strings past maxStringLength in fields, nested values, messages and checkpoint data', async () => {
    const log = logger({ maxStringLength: 1024 });
    const long = 's'.repeat(5000);
    const shown = `${'s'.repeat(1024)}…[truncated, 5000 chars]`;
    log.info('flat', { long });
    log.info('nested', { a: { long } });
    log.info(long);
    log.save('data', { long });
    expect(log.stats().cut).toBe(4);
    const lines = await recordLines(log);
    expect(lines.map((line) => JSON.parse(line) as Line)).toMatchObject([
      { msg: 'flat', fields: { long: shown } },
      { msg: 'nested', fields: { a: { long: shown } } },
      { msg: shown },
    ]);
    expect(log.load('data')).toEqual({ long: shown });
  });
});
