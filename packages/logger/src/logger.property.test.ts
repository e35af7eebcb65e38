import { isLogRecord } from '@pulselog/shared';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryPipeline, testSetup } from './core/test-support.js';
import { Logger } from './logger.js';
import { DEFAULT_MAX_STRING_LENGTH } from './serialize.js';

class Weird {
  secret = 1;
  get boom(): never {
    throw new Error('getter exploded');
  }
}

/** Values picked to break serializers, beside what fast-check generates. */
function nastyValues(): unknown[] {
  const circular: Record<string, unknown> = { name: 'loop' };
  circular.self = circular;
  circular.list = [circular, { back: circular }];
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  let deep: Record<string, unknown> = {};
  const root = deep;
  for (let i = 0; i < 10_000; i++) {
    deep.next = {};
    deep = deep.next as Record<string, unknown>;
  }
  const throwingProxy = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error('no keys for you');
      },
      get() {
        throw new Error('no values either');
      },
      getPrototypeOf() {
        throw new Error('no prototype');
      },
    },
  );
  return [
    circular,
    revoked,
    throwingProxy,
    root,
    'x'.repeat(100 * 1024 * 1024),
    10n ** 30n,
    Symbol('sym'),
    () => 1,
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    new Date(Number.NaN),
    new Date(0),
    new Map<unknown, unknown>([[{ k: 1 }, new Set([1, 2n])]]),
    new Set([circular]),
    Buffer.alloc(1024 * 1024),
    new Float64Array(10),
    new ArrayBuffer(8),
    new Weird(),
    {
      toJSON: () => {
        throw new Error('toJSON exploded');
      },
    },
    { toJSON: () => 10n },
    Object.create(null),
    { __proto__: null, a: 1 },
    JSON.parse('{"__proto__": {"polluted": true}}'),
    '\ud800 lone surrogate \u0000 nul "quotes" \\ backslash',
    // A sparse array.
    Object.assign([1], { 2: 3 }),
    new Error('with cause', { cause: new Error('inner', { cause: circular }) }),
    Object.assign(new Error('coded'), { code: 'E_BAD', extra: 10n }),
    Promise.resolve(1),
    new WeakMap(),
    /regex/g,
  ];
}

describe('Logger with hostile input', () => {
  const sink = new MemoryPipeline();
  const log = new Logger('property', testSetup(sink));
  let calls = 0;
  afterAll(() => log.shutdown());

  function exercise(value: unknown): void {
    const fields = value as Record<string, unknown>;
    log.debug(value, fields);
    log.info(value, fields);
    log.warning('w', fields);
    log.warn(value);
    log.error('e', { value });
    log.critical(value, fields);
    log.fatal('f', fields);
    log.exception(value, value, fields);
    log.divider(value as string);
    log.child(fields).info('child', fields);
    log.context(value as string, () => log.info('in context', fields));
    calls += 11;
    log.save(`value-${calls % 7}`, value);
    log.load(`value-${calls % 7}`);
  }

  it('never throws, and every record is one line of valid JSON', () => {
    for (const value of nastyValues()) expect(() => exercise(value)).not.toThrow();
    fc.assert(
      fc.property(
        fc.anything({
          maxDepth: 4,
          withBigInt: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withNullPrototype: true,
          withObjectString: true,
          withTypedArray: true,
          withSparseArray: true,
          withUnicodeString: true,
        }),
        (value) => {
          exercise(value);
        },
      ),
      { numRuns: 10_000 },
    );
    expect(log.stats().logged).toBe(calls);
    expect(log.stats().dropped).toBe(0);
    // What is still queued reaches the sink on the next drain; flush without waiting for the timer.
    log.divider('end');
    return log.flush().then(() => {
      expect(sink.lines).toHaveLength(calls + 1);
      for (const line of sink.lines) {
        expect(line.startsWith('{"seq":')).toBe(true);
        expect(line.includes('\n')).toBe(false);
        const record = JSON.parse(line);
        expect(isLogRecord(record)).toBe(true);
        // A message, a field and an error message may each keep a string of the default limit whole.
        expect(line.length).toBeLessThan(4 * DEFAULT_MAX_STRING_LENGTH);
      }
    });
    // 10,000 runs and 16 MiB strings kept whole: about 30 s of CPU, far more on a shared machine.
  }, 240_000);

  it('cuts a 100 MB string to a marked prefix with its original length', async () => {
    const big = 'y'.repeat(100 * 1024 * 1024);
    log.info(big, { big });
    await log.flush();
    const record = JSON.parse(sink.lines[sink.lines.length - 1] as string);
    expect(record.msg).toMatch(/^y+…\[truncated, 104857600 chars\]$/);
    expect(record.fields.big).toMatch(/…\[truncated, 104857600 chars\]$/);
    expect(log.load('missing')).toBeUndefined();
    expect(log.load(Symbol('x') as unknown as string)).toBeUndefined();
  });
});
