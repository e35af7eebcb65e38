/**
 * A record as the built-in outputs read it: the line parsed, and trace
 * context (`trace_id`, `span_id`, `trace_flags` fields) taken apart from the
 * other fields, since every backend has its own place for it.
 */
import type { LogRecord } from '@pulselog/shared';

/** A record with its trace context apart. */
export interface OutgoingRecord {
  record: LogRecord;
  /** The fields other than the trace context. */
  fields: Record<string, unknown>;
  /** 32 hex digits, when the record has a valid one. */
  traceId?: string;
  /** 16 hex digits, when the record has a valid one. */
  spanId?: string;
  /** W3C trace flags (1 = sampled). */
  traceFlags?: number;
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ZEROS = /^0+$/;

/**
 * Reads a record line as the pipeline formats it: one parse and, only when
 * the record has trace context, one pass over its fields to set it apart.
 * `fields` belongs to the caller (parsed for it alone), free to add to.
 */
export function outgoing(line: string): OutgoingRecord {
  const record = JSON.parse(line) as LogRecord;
  const source = record.fields;
  if (source === undefined) return { record, fields: {} };
  if (!('trace_id' in source || 'span_id' in source || 'trace_flags' in source)) return { record, fields: source };
  // Without a prototype, a `__proto__` field is copied as a field like any other, not made the object's prototype.
  const fields: Record<string, unknown> = Object.create(null);
  const out: OutgoingRecord = { record, fields };
  let traceId: unknown;
  let spanId: unknown;
  let traceFlags: unknown;
  for (const key in source) {
    const value = source[key];
    if (key === 'trace_id') traceId = value;
    else if (key === 'span_id') spanId = value;
    else if (key === 'trace_flags') traceFlags = value;
    else fields[key] = value;
  }
  if (traceId !== undefined) {
    const id = typeof traceId === 'string' ? traceId.toLowerCase() : '';
    if (TRACE_ID.test(id) && !ZEROS.test(id)) out.traceId = id;
    else fields.trace_id = traceId;
  }
  if (spanId !== undefined) {
    const id = typeof spanId === 'string' ? spanId.toLowerCase() : '';
    if (SPAN_ID.test(id) && !ZEROS.test(id)) out.spanId = id;
    else fields.span_id = spanId;
  }
  if (traceFlags !== undefined) {
    const flags = typeof traceFlags === 'string' ? Number.parseInt(traceFlags, 16) : traceFlags;
    if (typeof flags === 'number' && Number.isInteger(flags) && flags >= 0 && flags <= 255) out.traceFlags = flags;
    else fields.trace_flags = traceFlags;
  }
  return out;
}

/** A time in ms since the epoch (with a fraction) as nanoseconds, in decimal digits: exact past 2^53. */
export function nanosText(ms: number): string {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(frac)).toString();
}
