/**
 * OTLP/HTTP's protobuf body (`ExportLogsServiceRequest`) written straight
 * from record lines, in one pass, with what repeats (the resource, the
 * scope, each level's severity, attribute keys) encoded once. The official
 * serializer (`@opentelemetry/otlp-transformer`) takes SDK-shaped records
 * and measures every message before writing it: a graph of objects and two
 * passes a record, most of the `otlp` output's CPU time. This writes the
 * same message, field by field as the official `.proto` files in
 * `packages/logger/proto` number them, and values map as that serializer
 * maps them (integers to `int_value`, other numbers to `double_value`,
 * objects to `kvlist_value`, arrays to `array_value`, null to an empty
 * value); the tests decode its bodies with the official generated classes.
 */
import type { LevelName } from '@pulselog/shared';
import { outgoing } from './record.js';

/** Attribute keys kept encoded at most: past this many distinct keys, the others are encoded each time. */
const MAX_CACHED_KEYS = 4096;

/** The largest buffer a writer keeps between messages: a request is at most about `batchBytes` (1 MB). */
const MAX_KEPT_BYTES = 4 * 1024 * 1024;

/** A growing byte buffer with protobuf's wire types. */
class ProtoWriter {
  buf = Buffer.allocUnsafe(64 * 1024);
  pos = 0;

  ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  /** Lets go of a buffer that one large message grew, before the next message. */
  shrink(): void {
    if (this.pos === 0 && this.buf.length > MAX_KEPT_BYTES) this.buf = Buffer.allocUnsafe(64 * 1024);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** A varint of a whole number in [0, 2^53). */
  varint(value: number): void {
    this.ensure(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
  }

  /** An int64 varint of a whole number in [-2^63, 2^63): negative numbers in two's complement, ten bytes. */
  int64(value: number): void {
    if (value >= 0) {
      this.varint(value);
      return;
    }
    const abs = -value;
    let lo = ~(abs % 0x100000000) >>> 0;
    let hi = ~Math.floor(abs / 0x100000000) >>> 0;
    lo = (lo + 1) >>> 0;
    if (lo === 0) hi = (hi + 1) >>> 0;
    this.ensure(10);
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    this.buf[this.pos++] = lo & 0x01;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** A time in ms since the epoch (with a fraction) as fixed64 nanoseconds, exact past 2^53. */
  nanos(ms: number): void {
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
    this.ensure(8);
    this.buf.writeUInt32LE(lo, this.pos);
    this.buf.writeUInt32LE(hi >>> 0, this.pos + 4);
    this.pos += 8;
  }

  /** A string's length and UTF-8 bytes. */
  string(text: string): void {
    const n = text.length;
    if (n < 128) {
      // Short ASCII text, the usual key and value, is copied by hand: cheaper than a call into the runtime.
      this.ensure(n + 1);
      const start = this.pos;
      this.buf[this.pos++] = n;
      let i = 0;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) break;
        this.buf[this.pos++] = c;
      }
      if (i === n) return;
      this.pos = start;
    }
    const bytes = Buffer.byteLength(text);
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(text, this.pos, bytes, 'utf8');
  }

  /** Starts a length-delimited field's content; `close` it with what this returns. */
  open(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Ends the content started at `open`: writes its length, moving the content when the length takes more than a byte. */
  close(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buf[at] = length;
      return;
    }
    let extra = 1;
    while (length >= 0x80 ** (extra + 1)) extra++;
    this.ensure(extra);
    this.buf.copy(this.buf, at + 1 + extra, at + 1, this.pos);
    this.pos += extra;
    let v = length;
    let p = at;
    while (v >= 0x80) {
      this.buf[p++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[p] = v;
  }

  /** The bytes written, in a buffer of their own, and the writer emptied for the next message. */
  take(): Buffer {
    const out = Buffer.from(this.written());
    this.pos = 0;
    return out;
  }

  /** The bytes written, as a view of the writer's buffer, and the writer emptied: valid until the next write. */
  written(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.pos = 0;
    return out;
  }
}

/** Writes `ExportLogsServiceRequest` bodies for one resource and scope. */
export class LogsRequestWriter {
  private readonly writer = new ProtoWriter();
  /** ResourceLogs.resource and ScopeLogs.scope, written once. */
  private readonly resource: Buffer;
  private readonly scope: Buffer;
  /** Each level's severity_number and severity_text fields. */
  private readonly levels = new Map<string, Buffer>();
  /** Each attribute key's KeyValue.key field. */
  private readonly keys = new Map<string, Buffer>();

  constructor(
    resource: Record<string, string>,
    scope: { name: string; version: string },
    private readonly severity: (level: LevelName) => number | undefined,
  ) {
    const w = this.writer;
    w.byte(0x0a); // ResourceLogs.resource
    const r = w.open();
    for (const key in resource) this.attribute(0x0a, key, resource[key]); // Resource.attributes
    w.close(r);
    this.resource = w.take();
    w.byte(0x0a); // ScopeLogs.scope
    const s = w.open();
    w.byte(0x0a); // InstrumentationScope.name
    w.string(scope.name);
    w.byte(0x12); // InstrumentationScope.version
    w.string(scope.version);
    w.close(s);
    this.scope = w.take();
  }

  /** The request holding every record of `lines`, in order: a view of the writer's buffer, valid until the next `encode`. */
  encode(lines: readonly string[]): Buffer {
    const w = this.writer;
    w.shrink();
    w.byte(0x0a); // ExportLogsServiceRequest.resource_logs
    const resourceLogs = w.open();
    w.raw(this.resource);
    w.byte(0x12); // ResourceLogs.scope_logs
    const scopeLogs = w.open();
    w.raw(this.scope);
    for (const line of lines) this.record(line);
    w.close(scopeLogs);
    w.close(resourceLogs);
    return w.written();
  }

  private record(line: string): void {
    const { record, fields, traceId, spanId, traceFlags } = outgoing(line);
    const w = this.writer;
    w.byte(0x12); // ScopeLogs.log_records
    const at = w.open();
    w.byte(0x09); // LogRecord.time_unix_nano
    w.nanos(record.ts);
    w.raw(this.level(record.level));
    w.byte(0x2a); // LogRecord.body
    const body = w.open();
    w.byte(0x0a); // AnyValue.string_value
    w.string(record.msg);
    w.close(body);
    for (const key in fields) this.attribute(0x32, key, fields[key]); // LogRecord.attributes
    this.attribute(0x32, 'pulselog.seq', record.seq);
    if (record.tag !== undefined) this.attribute(0x32, 'pulselog.tag', record.tag);
    if (record.err !== undefined) {
      this.attribute(0x32, 'exception.type', record.err.name);
      this.attribute(0x32, 'exception.message', record.err.message);
      if (record.err.stack !== undefined) this.attribute(0x32, 'exception.stacktrace', record.err.stack);
    }
    if (traceId !== undefined && spanId !== undefined) {
      if (traceFlags) {
        w.byte(0x45); // LogRecord.flags
        w.ensure(4);
        w.buf.writeUInt32LE(traceFlags, w.pos);
        w.pos += 4;
      }
      w.byte(0x4a); // LogRecord.trace_id
      w.byte(16);
      w.pos += w.buf.write(traceId, w.pos, 16, 'hex');
      w.byte(0x52); // LogRecord.span_id
      w.byte(8);
      w.pos += w.buf.write(spanId, w.pos, 8, 'hex');
    }
    w.byte(0x59); // LogRecord.observed_time_unix_nano
    w.nanos(record.ts);
    w.close(at);
  }

  /** severity_number and severity_text of `level`. */
  private level(level: LevelName): Buffer {
    let bytes = this.levels.get(level);
    if (bytes === undefined) {
      const w = new ProtoWriter();
      const severity = this.severity(level);
      if (severity !== undefined) {
        w.byte(0x10); // LogRecord.severity_number
        w.varint(severity);
      }
      w.byte(0x1a); // LogRecord.severity_text
      w.string(level);
      bytes = w.take();
      this.levels.set(level, bytes);
    }
    return bytes;
  }

  /** A KeyValue in the field with tag byte `tag`. */
  private attribute(tag: number, key: string, value: unknown): void {
    const w = this.writer;
    w.byte(tag);
    const at = w.open();
    this.key(key);
    w.byte(0x12); // KeyValue.value
    const v = w.open();
    this.anyValue(value);
    w.close(v);
    w.close(at);
  }

  /** A KeyValue's key field. */
  private key(key: string): void {
    const w = this.writer;
    const cached = this.keys.get(key);
    if (cached !== undefined) {
      w.raw(cached);
      return;
    }
    const start = w.pos;
    w.byte(0x0a); // KeyValue.key
    w.string(key);
    if (this.keys.size < MAX_CACHED_KEYS) this.keys.set(key, Buffer.from(w.buf.subarray(start, w.pos)));
  }

  /** An AnyValue's content, as the official serializer maps a JSON value. */
  private anyValue(value: unknown): void {
    const w = this.writer;
    if (typeof value === 'string') {
      w.byte(0x0a); // string_value
      w.string(value);
    } else if (typeof value === 'number') {
      if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
        w.byte(0x18); // int_value
        w.int64(value);
      } else {
        w.byte(0x21); // double_value
        w.double(value);
      }
    } else if (typeof value === 'boolean') {
      w.byte(0x10); // bool_value
      w.byte(value ? 1 : 0);
    } else if (Array.isArray(value)) {
      w.byte(0x2a); // array_value
      const at = w.open();
      for (const item of value) {
        w.byte(0x0a); // ArrayValue.values
        const v = w.open();
        this.anyValue(item);
        w.close(v);
      }
      w.close(at);
    } else if (value !== null && typeof value === 'object') {
      w.byte(0x32); // kvlist_value
      const at = w.open();
      const object = value as Record<string, unknown>;
      for (const key in object) this.attribute(0x0a, key, object[key]); // KeyValueList.values
      w.close(at);
    }
  }
}
