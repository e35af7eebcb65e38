/**
 * OTLP/HTTP's protobuf body (`ExportLogsServiceRequest`) encoded straight
 * from record lines with protobufjs's `Writer`, in one pass, with what
 * repeats (the resource, the scope, each level's severity, attribute keys)
 * encoded once and appended as bytes. The official serializer
 * (`@opentelemetry/otlp-transformer`) takes SDK-shaped records and measures
 * every message before writing it: a graph of objects and two passes a
 * record, most of the `otlp` output's CPU time. This encodes the same
 * message, with the field numbers of the official `.proto` files
 * (`otlp-fields.ts`), and values map as that serializer maps them (integers
 * to `int_value`, other numbers to `double_value`, objects to
 * `kvlist_value`, arrays to `array_value`, null to an empty value); the
 * tests decode its bodies with the official generated classes.
 */
import type { LevelName } from '@pulselog/shared';
import protobuf from 'protobufjs/minimal.js';
import { FIELD } from './otlp-fields.js';
import { outgoing } from './record.js';

const { Writer } = protobuf;
const { ExportLogsServiceRequest, ResourceLogs, Resource, ScopeLogs, InstrumentationScope, LogRecord } = FIELD;
const { KeyValue, AnyValue, ArrayValue, KeyValueList } = FIELD;

/** Attribute keys kept encoded at most: past this many distinct keys, the others are encoded each time. */
const MAX_CACHED_KEYS = 4096;

/** The largest buffer a writer keeps between messages: a request is at most about `batchBytes` (1 MB). */
const MAX_KEPT_BYTES = 4 * 1024 * 1024;

/**
 * A 64-bit value as two unsigned 32-bit halves: the shape of a `Long`, which
 * is all that protobufjs's writer reads of one (its `LongBits.from`).
 */
interface LongBits {
  low: number;
  high: number;
}

/** `time` as the `Long` protobufjs's types ask for. */
const asLong = (time: LongBits) => time as unknown as protobuf.Long;

/** Writes `ExportLogsServiceRequest` bodies for one resource and scope. */
export class LogsRequestWriter {
  private writer = Writer.create();
  /** ResourceLogs.resource and ScopeLogs.scope, encoded once. */
  private readonly resource: Uint8Array;
  private readonly scope: Uint8Array;
  /** Each level's severity_number and severity_text fields. */
  private readonly levels = new Map<string, Uint8Array>();
  /** Each attribute key's KeyValue.key field. */
  private readonly keys = new Map<string, Uint8Array>();
  /** The record's time, reused: protobufjs copies it as it writes. */
  private readonly time: LongBits = { low: 0, high: 0 };

  constructor(
    resource: Record<string, string>,
    scope: { name: string; version: string },
    private readonly severity: (level: LevelName) => number | undefined,
  ) {
    const w = this.writer;
    w.uint32(ResourceLogs.resource).fork();
    for (const key in resource) this.attribute(Resource.attributes, key, resource[key]);
    this.resource = w.ldelim().finish();
    w.reset();
    w.uint32(ScopeLogs.scope).fork();
    w.uint32(InstrumentationScope.name).string(scope.name);
    w.uint32(InstrumentationScope.version).string(scope.version);
    this.scope = w.ldelim().finish();
    w.reset();
  }

  /** The request holding every record of `lines`, in order: a view of the writer's buffer, valid until the next `encode`. */
  encode(lines: readonly string[]): Uint8Array {
    // A fresh writer after a large message (to let its buffer go), or after one that threw half-way.
    if (this.writer.pos !== 0 || this.writer.buf.length > MAX_KEPT_BYTES) this.writer = Writer.create();
    const w = this.writer;
    w.uint32(ExportLogsServiceRequest.resource_logs).fork();
    w.raw(this.resource);
    w.uint32(ResourceLogs.scope_logs).fork();
    w.raw(this.scope);
    for (const line of lines) this.record(line);
    w.ldelim().ldelim();
    const body = w.finish(true);
    w.reset();
    return body;
  }

  private record(line: string): void {
    const { record, fields, traceId, spanId, traceFlags } = outgoing(line);
    const w = this.writer;
    const time = nanos(record.ts, this.time);
    w.uint32(ScopeLogs.log_records).fork();
    w.uint32(LogRecord.time_unix_nano).fixed64(asLong(time));
    w.raw(this.level(record.level));
    w.uint32(LogRecord.body).fork().uint32(AnyValue.string_value).string(record.msg).ldelim();
    for (const key in fields) this.attribute(LogRecord.attributes, key, fields[key]);
    this.attribute(LogRecord.attributes, 'pulselog.seq', record.seq);
    if (record.tag !== undefined) this.attribute(LogRecord.attributes, 'pulselog.tag', record.tag);
    if (record.err !== undefined) {
      this.attribute(LogRecord.attributes, 'exception.type', record.err.name);
      this.attribute(LogRecord.attributes, 'exception.message', record.err.message);
      if (record.err.stack !== undefined)
        this.attribute(LogRecord.attributes, 'exception.stacktrace', record.err.stack);
    }
    if (traceId !== undefined && spanId !== undefined) {
      if (traceFlags) w.uint32(LogRecord.flags).fixed32(traceFlags);
      w.uint32(LogRecord.trace_id).bytes(Buffer.from(traceId, 'hex'));
      w.uint32(LogRecord.span_id).bytes(Buffer.from(spanId, 'hex'));
    }
    w.uint32(LogRecord.observed_time_unix_nano).fixed64(asLong(time));
    w.ldelim();
  }

  /** severity_number and severity_text of `level`. */
  private level(level: LevelName): Uint8Array {
    let bytes = this.levels.get(level);
    if (bytes === undefined) {
      const w = Writer.create();
      const severity = this.severity(level);
      if (severity !== undefined) w.uint32(LogRecord.severity_number).int32(severity);
      bytes = w.uint32(LogRecord.severity_text).string(level).finish();
      this.levels.set(level, bytes);
    }
    return bytes;
  }

  /** A KeyValue in the field with key `tag`. */
  private attribute(tag: number, key: string, value: unknown): void {
    const w = this.writer;
    w.uint32(tag).fork();
    this.key(key);
    w.uint32(KeyValue.value).fork();
    this.anyValue(value);
    w.ldelim().ldelim();
  }

  /** A KeyValue's key field. */
  private key(key: string): void {
    const cached = this.keys.get(key);
    if (cached !== undefined) {
      this.writer.raw(cached);
      return;
    }
    const bytes = Writer.create().uint32(KeyValue.key).string(key).finish();
    if (this.keys.size < MAX_CACHED_KEYS) this.keys.set(key, bytes);
    this.writer.raw(bytes);
  }

  /** An AnyValue's content, as the official serializer maps a JSON value. */
  private anyValue(value: unknown): void {
    const w = this.writer;
    if (typeof value === 'string') {
      w.uint32(AnyValue.string_value).string(value);
    } else if (typeof value === 'number') {
      if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
        w.uint32(AnyValue.int_value).int64(value);
      } else {
        w.uint32(AnyValue.double_value).double(value);
      }
    } else if (typeof value === 'boolean') {
      w.uint32(AnyValue.bool_value).bool(value);
    } else if (Array.isArray(value)) {
      w.uint32(AnyValue.array_value).fork();
      for (const item of value) {
        w.uint32(ArrayValue.values).fork();
        this.anyValue(item);
        w.ldelim();
      }
      w.ldelim();
    } else if (value !== null && typeof value === 'object') {
      w.uint32(AnyValue.kvlist_value).fork();
      const object = value as Record<string, unknown>;
      for (const key in object) this.attribute(KeyValueList.values, key, object[key]);
      w.ldelim();
    }
  }
}

/**
 * A time in ms since the epoch (with a fraction) as nanoseconds in `into`'s
 * two 32-bit halves, exact past 2^53 (where a double's nanoseconds are not).
 */
function nanos(ms: number, into: LongBits): LongBits {
  const seconds = Math.floor(ms / 1000);
  const ns = Math.round((ms - seconds * 1000) * 1e6);
  // seconds·1e9 = (high·1e9)·2^16 + low·1e9, each part exact in a double.
  const low = seconds % 0x10000;
  const high = ((seconds - low) / 0x10000) * 1e9;
  const highLow16 = high % 0x10000;
  let lo = highLow16 * 0x10000 + low * 1e9 + ns;
  let hi = (high - highLow16) / 0x10000;
  const carry = Math.floor(lo / 0x100000000);
  lo -= carry * 0x100000000;
  hi += carry;
  into.low = lo;
  into.high = hi >>> 0;
  return into;
}
