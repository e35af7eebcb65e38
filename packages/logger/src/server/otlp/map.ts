/**
 * OTLP log records to pulselog records: a pure function of the request as
 * plain data, the shape OTLP/JSON has and `decodeLogsRequest` gives
 * protobuf bodies. Each record becomes its time and the tail of its JSON line
 * (`,"level":…}`, as `batch/packed.ts` describes), ready for a queue.
 */
import { type LevelName, normalizeLevel, type SerializedError } from '@pulselog/shared';

/** Records taken from a request, each as its wall-clock time (ms since the epoch) and its line's tail. */
export interface MappedRecords {
  times: number[];
  tails: string[];
  /** Records of the request that were not taken, and why the first one was not. */
  rejected: number;
  errorMessage: string | undefined;
}

/** A request whose shape is wrong as a whole: answered 400, nothing taken. */
export class BadRequestError extends Error {}

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One log record that cannot be taken; the rest of its request still is. */
class BadRecord extends Error {}

/**
 * Levels by `severityNumber` (1 to 24, four numbers a range): TRACE and DEBUG
 * are debug, INFO info, WARN warning, ERROR error, FATAL critical.
 */
export function levelOfSeverity(severityNumber: number, severityText: unknown): LevelName {
  if (severityNumber >= 21) return 'critical';
  if (severityNumber >= 17) return 'error';
  if (severityNumber >= 13) return 'warning';
  if (severityNumber >= 9) return 'info';
  if (severityNumber >= 1) return 'debug';
  // Unspecified: the text may still say (`WARN`, `Error`, …).
  const named = typeof severityText === 'string' ? normalizeLevel(severityText) : undefined;
  // TRACE stays debug, as by number: the program's level (debug by default) would hide pulselog's own `trace`.
  return named === undefined ? 'info' : named === 'trace' ? 'debug' : named;
}

/** Maps an `ExportLogsServiceRequest`; throws `BadRequestError` when it is not one at all. */
export function mapLogsRequest(request: unknown, receivedAt: number): MappedRecords {
  if (!isObj(request)) throw new BadRequestError('the body is not an ExportLogsServiceRequest object');
  const out: MappedRecords = { times: [], tails: [], rejected: 0, errorMessage: undefined };
  const resourceLogs = request.resourceLogs ?? [];
  if (!Array.isArray(resourceLogs)) throw new BadRequestError('resourceLogs is not an array');
  for (const resourceLog of resourceLogs) {
    const scopeLogs = isObj(resourceLog) ? (resourceLog.scopeLogs ?? []) : undefined;
    if (!Array.isArray(scopeLogs)) throw new BadRequestError('a resourceLogs entry has no scopeLogs array');
    const source = serviceName(resourceLog as Obj);
    for (const scopeLog of scopeLogs) {
      const records = isObj(scopeLog) ? (scopeLog.logRecords ?? []) : undefined;
      if (!Array.isArray(records)) throw new BadRequestError('a scopeLogs entry has no logRecords array');
      for (const record of records) {
        try {
          const { time, tail } = mapRecord(record, source, receivedAt);
          out.times.push(time);
          out.tails.push(tail);
        } catch (err) {
          if (!(err instanceof BadRecord)) throw err;
          out.rejected++;
          out.errorMessage ??= err.message;
        }
      }
    }
  }
  return out;
}

function serviceName(resourceLog: Obj): string | undefined {
  const resource = resourceLog.resource;
  if (!isObj(resource) || !Array.isArray(resource.attributes)) return undefined;
  for (const kv of resource.attributes) {
    if (isObj(kv) && kv.key === 'service.name') {
      const name = anyValue(kv.value, 0);
      return typeof name === 'string' && name !== '' ? name : undefined;
    }
  }
  return undefined;
}

/** Attributes whose values make the record's `err`, as OpenTelemetry's exception conventions name them. */
const EXCEPTION_KEYS = ['exception.type', 'exception.message', 'exception.stacktrace'];

function mapRecord(record: unknown, source: string | undefined, receivedAt: number): { time: number; tail: string } {
  if (!isObj(record)) throw new BadRecord('a log record is not an object');
  const severity = record.severityNumber ?? 0;
  if (typeof severity !== 'number' || !Number.isInteger(severity) || severity < 0 || severity > 24) {
    throw new BadRecord(`severityNumber ${JSON.stringify(severity)} is not a whole number from 0 to 24`);
  }
  const time = nanosToMs(record.timeUnixNano) ?? nanosToMs(record.observedTimeUnixNano) ?? receivedAt;
  const fields: Obj = Object.create(null);
  let msg = '';
  const body = anyValue(record.body, 0);
  if (isObj(body)) {
    // A structured body becomes fields; its message, if it names one, the message.
    Object.assign(fields, body);
    for (const key of ['message', 'msg']) {
      if (typeof body[key] === 'string') {
        msg = body[key] as string;
        delete fields[key];
        break;
      }
    }
  } else if (Array.isArray(body)) fields.body = body;
  else if (body !== undefined && body !== null) msg = String(body);
  if (msg === '' && typeof record.eventName === 'string') msg = record.eventName;
  if (record.attributes !== undefined) {
    if (!Array.isArray(record.attributes)) throw new BadRecord('attributes is not an array');
    for (const kv of record.attributes) {
      if (!isObj(kv) || typeof kv.key !== 'string') throw new BadRecord('an attribute has no key');
      fields[kv.key] = anyValue(kv.value, 0) ?? null;
    }
  }
  const traceId = hexId(record.traceId, 16, 'traceId');
  const spanId = hexId(record.spanId, 8, 'spanId');
  // The dashboard shows these two keys with the record's details.
  if (traceId !== undefined) fields.trace_id = traceId;
  if (spanId !== undefined) fields.span_id = spanId;
  const err = exceptionOf(fields);
  let tail = `,"level":"${levelOfSeverity(severity, record.severityText)}","msg":${JSON.stringify(msg)}`;
  if (source !== undefined) tail += `,"source":${JSON.stringify(source)}`;
  if (Object.keys(fields).length > 0) tail += `,"fields":${JSON.stringify(fields)}`;
  if (err !== undefined) tail += `,"err":${JSON.stringify(err)}`;
  return { time, tail: `${tail}}` };
}

/** `exception.*` attributes as the record's error, taken out of its fields. */
function exceptionOf(fields: Obj): SerializedError | undefined {
  const type = fields['exception.type'];
  const message = fields['exception.message'];
  const stack = fields['exception.stacktrace'];
  if (type === undefined && message === undefined && stack === undefined) return undefined;
  for (const key of EXCEPTION_KEYS) delete fields[key];
  const err: SerializedError = {
    name: typeof type === 'string' ? type : 'Error',
    message: typeof message === 'string' ? message : '',
  };
  if (typeof stack === 'string') err.stack = stack;
  return err;
}

/** Nanoseconds since the epoch (a decimal string, or a number) as milliseconds with their fraction; `undefined` for none or 0. */
function nanosToMs(value: unknown): number | undefined {
  if (value === undefined || value === null || value === 0 || value === '0' || value === '') return undefined;
  let nanos: bigint;
  try {
    if (typeof value === 'number' && Number.isInteger(value) && value > 0) nanos = BigInt(value);
    else if (typeof value === 'string' && /^\d{1,20}$/.test(value)) nanos = BigInt(value);
    else throw new Error();
  } catch {
    throw new BadRecord(`time ${JSON.stringify(value)} is not nanoseconds since the epoch`);
  }
  // Whole microseconds: a double holds them exactly for dates to come, and the record's time shows no finer.
  return Number(nanos / 1000n) / 1000;
}

/** A trace or span id as lowercase hex: from hex text (OTLP/JSON) or bytes (protobuf); `undefined` when absent or all zero. */
function hexId(value: unknown, bytes: number, name: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let hex: string;
  if (value instanceof Uint8Array) {
    if (value.length === 0) return undefined;
    hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  } else if (typeof value === 'string') hex = value.toLowerCase();
  else throw new BadRecord(`${name} is neither hex text nor bytes`);
  if (hex.length !== 2 * bytes || !/^[0-9a-f]+$/.test(hex)) throw new BadRecord(`${name} is not ${bytes} bytes of hex`);
  return /^0+$/.test(hex) ? undefined : hex;
}

/** Deepest nesting of arrays and key-value lists kept; deeper values become `null`. */
const MAX_DEPTH = 32;

/** An `AnyValue` as plain JSON data; `undefined` for an empty one. */
function anyValue(value: unknown, depth: number): unknown {
  if (!isObj(value) || depth > MAX_DEPTH) return undefined;
  if ('stringValue' in value)
    return typeof value.stringValue === 'string' ? value.stringValue : String(value.stringValue);
  if ('boolValue' in value) return value.boolValue === true || value.boolValue === 'true';
  if ('intValue' in value) return intValue(value.intValue);
  if ('doubleValue' in value)
    return typeof value.doubleValue === 'number' ? value.doubleValue : Number(value.doubleValue);
  if ('bytesValue' in value) {
    const bytes = value.bytesValue;
    return bytes instanceof Uint8Array ? Buffer.from(bytes).toString('base64') : String(bytes);
  }
  if ('arrayValue' in value) {
    const values = isObj(value.arrayValue) ? value.arrayValue.values : undefined;
    return Array.isArray(values) ? values.map((v) => anyValue(v, depth + 1) ?? null) : [];
  }
  if ('kvlistValue' in value) {
    const values = isObj(value.kvlistValue) ? value.kvlistValue.values : undefined;
    const out: Obj = Object.create(null);
    if (Array.isArray(values)) {
      for (const kv of values)
        if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value, depth + 1) ?? null;
    }
    return out;
  }
  return undefined;
}

/** A 64-bit integer (a number, or decimal text as JSON and protobuf give it) as a number when exact, else as its text. */
function intValue(value: unknown): number | string {
  const n = typeof value === 'number' ? value : Number(value);
  if (Number.isSafeInteger(n)) return n;
  return String(value);
}
