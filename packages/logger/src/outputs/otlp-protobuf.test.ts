import { createRequire } from 'node:module';
import { LEVEL_NAMES, LEVELS, type LevelName } from '@pulselog/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogsRequestWriter } from './otlp-protobuf.js';
import { loadOpenTelemetry, SEVERITY, toLogRecords } from './otlp-records.js';

/** The official generated classes (an earlier `@opentelemetry/otlp-transformer`, as `otlp-proto-decode`). */
const root = createRequire(import.meta.url)('otlp-proto-decode/build/src/generated/root.js');
const ExportLogsServiceRequest = root.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;

/** A body decoded with every field, defaults included, so that a zero written or left out reads the same. */
function decoded(body: Uint8Array): unknown {
  const message = ExportLogsServiceRequest.decode(body);
  return ExportLogsServiceRequest.toObject(message, { longs: String, bytes: String, defaults: true, arrays: true });
}

const resourceAttributes = { 'service.name': 'checkout', 'deployment.environment': 'prod' };
const scope = { name: '@pulselog/logger', version: '0.1.0' };
const severity = (level: LevelName) => SEVERITY[level] ?? LEVELS[level];

/** The body the official serializer makes of `lines`. */
function official(lines: readonly string[]): Uint8Array {
  const { serializer, resourceFromAttributes } = loadOpenTelemetry('http/protobuf');
  const body = serializer.serializeRequest(toLogRecords(lines, resourceFromAttributes(resourceAttributes), scope));
  if (body === undefined) throw new Error('no body');
  return body;
}

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 400 }),
);

/** Record lines as the pipeline formats them: any level, fields of any JSON value, sometimes a tag, an error, trace context. */
const recordLine = fc
  .record({
    seq: fc.integer({ min: 1, max: 2 ** 40 }),
    us: fc.integer({ min: 0, max: 4_000_000_000_000_000 }),
    level: fc.constantFrom(...LEVEL_NAMES),
    msg: text,
    fields: fc.option(fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 }), { nil: undefined }),
    tag: fc.option(text, { nil: undefined }),
    err: fc.option(fc.record({ name: text, message: text, stack: fc.option(text, { nil: undefined }) }), {
      nil: undefined,
    }),
    trace: fc.option(fc.record({ trace_id: hex(32), span_id: hex(16), trace_flags: fc.integer({ min: 0, max: 1 }) }), {
      nil: undefined,
    }),
  })
  .map(({ seq, us, level, msg, fields, tag, err, trace }) => {
    const record: Record<string, unknown> = { seq, ts: us / 1000, level, msg };
    if (fields !== undefined || trace !== undefined) record.fields = { ...fields, ...trace };
    if (tag !== undefined) record.tag = tag;
    if (err !== undefined) record.err = err;
    return JSON.stringify(record);
  });

describe('LogsRequestWriter', () => {
  it('writes the request the official serializer writes, for any record', () => {
    const writer = new LogsRequestWriter(resourceAttributes, scope, severity);
    fc.assert(
      fc.property(fc.array(recordLine, { minLength: 1, maxLength: 20 }), (lines) => {
        expect(decoded(writer.encode(lines))).toEqual(decoded(official(lines)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a `__proto__` field as an attribute, beside trace context', () => {
    const writer = new LogsRequestWriter(resourceAttributes, scope, severity);
    const line = `{"seq":1,"ts":1764874800000.5,"level":"info","msg":"m","fields":{"__proto__":[1],"trace_id":"${'ab'.repeat(16)}","span_id":"${'cd'.repeat(8)}"}}`;
    const request = decoded(writer.encode([line])) as {
      resourceLogs: { scopeLogs: { logRecords: { attributes: { key: string }[] }[] }[] }[];
    };
    const keys = request.resourceLogs[0]?.scopeLogs[0]?.logRecords[0]?.attributes.map((kv) => kv.key);
    expect(keys).toEqual(['__proto__', 'pulselog.seq']);
    expect(decoded(writer.encode([line]))).toEqual(decoded(official([line])));
  });

  it('writes a whole body after a run that failed half-way (the output sends that run again)', () => {
    const writer = new LogsRequestWriter(resourceAttributes, scope, severity);
    const good = JSON.stringify({
      seq: 1,
      ts: 1_764_874_800_000,
      level: 'info',
      msg: 'ok',
      fields: { a: [1, { b: 2 }] },
    });
    expect(() => writer.encode([good, '{"seq":2,'])).toThrow();
    expect(decoded(writer.encode([good]))).toEqual(decoded(official([good])));
  });

  it('writes records larger than a length byte holds, and runs larger than its first buffer', () => {
    const writer = new LogsRequestWriter(resourceAttributes, scope, severity);
    const lines = [
      JSON.stringify({ seq: 1, ts: 1_764_874_800_000.125, level: 'error', msg: 'x'.repeat(20_000), fields: { a: 1 } }),
      JSON.stringify({ seq: 2, ts: 1_764_874_800_001, level: 'info', msg: 'é'.repeat(3_000_000) }),
      ...Array.from({ length: 3000 }, (_, i) =>
        JSON.stringify({ seq: i + 3, ts: 1_764_874_800_002 + i, level: 'info', msg: 'ok', fields: { i, s: 'v' } }),
      ),
    ];
    const body = writer.encode(lines);
    expect(decoded(body)).toEqual(decoded(official(lines)));
    // The writer is used again: each body is whole in itself.
    const small = [lines[2] as string];
    expect(decoded(writer.encode(small))).toEqual(decoded(official(small)));
  });
});
