import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { LogRecord } from '@pulselog/shared';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderSetup, MemoryPipeline, testSetup } from './core/test-support.js';
import { Encoder } from './encode/encoder.js';
import { joinObjects } from './encode/json.js';
import { Logger, type LoggerSetup } from './logger.js';
import { Receiver, until } from './outputs/test-support.js';
import { activeSpanReader, loadActiveSpan } from './trace-context.js';

/** The official protobuf classes, to read what the `otlp` output sent as a collector would. */
const root = createRequire(import.meta.url)('otlp-proto-decode/build/src/generated/root.js');
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

interface SentRecord {
  body: { stringValue?: string };
  traceId?: string;
  spanId?: string;
  flags?: number;
}

function sentRecords(body: Buffer): SentRecord[] {
  const request = ExportLogsServiceRequest.toObject(ExportLogsServiceRequest.decode(body), {
    longs: String,
    bytes: String,
    defaults: false,
  }) as { resourceLogs: { scopeLogs: { logRecords: SentRecord[] }[] }[] };
  return request.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
}

function sessionRecords(file: string): LogRecord[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => line.seq !== undefined);
}

const BUILT_OTLP = new URL('../dist/outputs/otlp.js', import.meta.url);

const tracer = () => trace.getTracer('pulselog-test');

/** Logs a record outside any span, then one with fields and one without inside a span; returns the span's ids. */
function logAround(log: Logger): { traceId: string; spanId: string } {
  log.info('before the span', { step: 0 });
  return tracer().startActiveSpan('checkout', (span) => {
    log.info('inside the span', { step: 1 });
    log.child({ worker: 2 }).warn('inside, from a child');
    span.end();
    return span.spanContext();
  });
}

describe('trace correlation with the SDK registered after the logger was made', () => {
  it('adds the ids of a span started right after the first registration, in the same run, and leaves the API its own global', async () => {
    const registry = Symbol.for('opentelemetry.js.api.1');
    expect(Object.getOwnPropertyDescriptor(globalThis, registry)).toBeUndefined();
    const sink = new MemoryPipeline();
    const log = new Logger('late', testSetup(sink));
    log.info('before', { n: 0 });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    const ids = tracer().startActiveSpan('late', (span) => {
      log.info('inside', { n: 1 });
      log.info('inside', { n: 2 });
      span.end();
      return span.spanContext();
    });
    await log.flush();
    const span = { trace_id: ids.traceId, span_id: ids.spanId, trace_flags: 1 };
    expect(sink.lines.map((line) => JSON.parse(line).fields)).toEqual([{ n: 0 }, { n: 1, ...span }, { n: 2, ...span }]);
    // What the API made is a plain property, as it would be without pulselog.
    const made = Object.getOwnPropertyDescriptor(globalThis, registry);
    expect(made).toMatchObject({ writable: true, enumerable: true, configurable: true });
    expect(made?.value).toMatchObject({ version: expect.any(String), context: expect.anything() });
    trace.disable();
    context.disable();
    await log.shutdown();
  });
});

describe('trace correlation with no tracer provider', () => {
  it('adds nothing for a span that the API alone makes (all-zero ids), with or without a context manager', () => {
    const active = loadActiveSpan();
    expect(active).toBeDefined();
    expect(tracer().startActiveSpan('no context manager', () => active?.())).toBeUndefined();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    expect(tracer().startActiveSpan('no sdk', () => trace.getActiveSpan())).toBeDefined();
    expect(tracer().startActiveSpan('no sdk', (span) => [span.spanContext().traceId, active?.()])).toEqual([
      '0'.repeat(32),
      undefined,
    ]);
    context.disable();
  });

  it('is off when @opentelemetry/api cannot be loaded', () => {
    expect(activeSpanReader(undefined)).toBeUndefined();
    expect(activeSpanReader({} as never)).toBeUndefined();
  });
});

describe('trace correlation with @opentelemetry/sdk-trace-base', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('writes the active span’s trace_id, span_id and trace_flags on records logged inside it', async () => {
    const log = new Logger('traced', folderSetup());
    const ids = logAround(log);
    const span = { trace_id: ids.traceId, span_id: ids.spanId, trace_flags: 1 };
    // Across an await, as a request handler logs; the same message again and again (a template),
    // without fields, with nested ones, and with an error (the text path).
    const second = await tracer().startActiveSpan('async work', async (outer) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      for (let k = 0; k < 3; k++) log.info({ user_id: k }, 'after an await');
      log.info('no fields');
      log.info('nested', { req: { path: '/a' } });
      log.error(new Error('boom'), 'failed');
      outer.end();
      return outer.spanContext();
    });
    await log.shutdown();
    const records = sessionRecords(log.stats().sessionFile as string);
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    const other = { trace_id: second.traceId, span_id: second.spanId, trace_flags: 1 };
    expect(second.traceId).not.toBe(ids.traceId);
    expect(records.map((r) => r.fields)).toEqual([
      { step: 0 },
      { step: 1, ...span },
      { worker: 2, ...span },
      { user_id: 0, ...other },
      { user_id: 1, ...other },
      { user_id: 2, ...other },
      other,
      { req: { path: '/a' }, ...other },
      other,
    ]);
    expect(records.at(-1)?.err?.message).toBe('boom');
  });

  it('adds nothing with traceContext: false', async () => {
    const log = new Logger('untraced', folderSetup({ traceContext: false }));
    logAround(log);
    await log.shutdown();
    expect(sessionRecords(log.stats().sessionFile as string).map((r) => r.fields)).toEqual([
      { step: 0 },
      { step: 1 },
      { worker: 2 },
    ]);
  });

  it('sends the span’s ids as traceId and spanId through the otlp output', async () => {
    const receiver = await new Receiver(() => ({ status: 200, body: new Uint8Array(0) })).start();
    try {
      const setup: LoggerSetup = folderSetup({
        // The built output, as the pipeline thread (also built) loads it: `'otlp'` names the module beside it.
        outputs: [{ target: fileURLToPath(BUILT_OTLP), options: { endpoint: receiver.url, batchInterval: 10 } }],
      });
      const log = new Logger('traced-otlp', setup);
      const ids = logAround(log);
      await log.flush();
      await until(
        () => receiver.requests.flatMap((r) => sentRecords(r.body)).length >= 3,
        10_000,
        'three records at the receiver',
      );
      await log.shutdown();
      const sent = receiver.requests.flatMap((r) => sentRecords(r.body));
      const hex = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('hex');
      expect(sent.map((r) => [r.body.stringValue, hex(r.traceId), hex(r.spanId), r.flags ?? 0])).toEqual([
        ['before the span', '', '', 0],
        ['inside the span', ids.traceId, ids.spanId, 1],
        ['inside, from a child', ids.traceId, ids.spanId, 1],
      ]);
    } finally {
      await receiver.stop();
    }
  });

  it('writes template records inside and outside spans exactly as the text path writes them', async () => {
    const sink = new MemoryPipeline();
    const log = new Logger('traced-templates', testSetup(sink));
    const expected: string[] = [];
    const reference = new Encoder();
    const value = fc.oneof(fc.integer(), fc.string({ maxLength: 6 }), fc.boolean(), fc.constant(null));
    const fields = fc.option(
      fc.oneof(
        fc.dictionary(fc.constantFrom('a', 'b', 'trace', 'user_id'), value, { maxKeys: 3 }),
        fc.dictionary(fc.constantFrom('a', 'req'), fc.array(value, { maxLength: 2 }), { maxKeys: 2 }),
      ),
      { nil: undefined },
    );
    const call = fc.record({ msg: fc.constantFrom('done', 'step'), fields, span: fc.boolean() });
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 20 }), (calls) => {
        for (const c of calls) {
          const run = (ids: { traceId: string; spanId: string; traceFlags: number } | undefined) => {
            // Twice: the first call of a message goes as text, the next as a template.
            for (let n = 0; n < 2; n++) {
              log.info(c.msg, c.fields);
              const own = c.fields === undefined ? undefined : reference.encodeFields(c.fields);
              const span =
                ids === undefined
                  ? undefined
                  : JSON.stringify({ trace_id: ids.traceId, span_id: ids.spanId, trace_flags: ids.traceFlags });
              expected.push(reference.tail('info', c.msg, joinObjects(own, span), undefined, undefined, undefined));
            }
          };
          if (c.span) {
            tracer().startActiveSpan('s', (span) => {
              run(span.spanContext());
              span.end();
            });
          } else run(undefined);
        }
      }),
      { numRuns: 100 },
    );
    await log.flush();
    expect(sink.lines.map((line) => line.replace(/^\{"seq":\d+,"ts":\d+\.\d{3}/, ''))).toEqual(expected);
    expect(sink.batches.some((b) => b.packed.templates !== undefined)).toBe(true);
    await log.shutdown();
  });
});
