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

/** Reads a record line as the pipeline formats it. */
export function outgoing(line: string): OutgoingRecord {
  const record = JSON.parse(line) as LogRecord;
  const { trace_id, span_id, trace_flags, ...fields } = record.fields ?? {};
  const out: OutgoingRecord = { record, fields };
  const traceId = typeof trace_id === 'string' ? trace_id.toLowerCase() : undefined;
  const spanId = typeof span_id === 'string' ? span_id.toLowerCase() : undefined;
  if (traceId !== undefined && TRACE_ID.test(traceId) && !/^0+$/.test(traceId)) out.traceId = traceId;
  else if (trace_id !== undefined) fields.trace_id = trace_id;
  if (spanId !== undefined && SPAN_ID.test(spanId) && !/^0+$/.test(spanId)) out.spanId = spanId;
  else if (span_id !== undefined) fields.span_id = span_id;
  const flags = typeof trace_flags === 'string' ? Number.parseInt(trace_flags, 16) : trace_flags;
  if (typeof flags === 'number' && Number.isInteger(flags) && flags >= 0 && flags <= 255) out.traceFlags = flags;
  else if (trace_flags !== undefined) fields.trace_flags = trace_flags;
  return out;
}

/** A time in ms since the epoch (with a fraction) as nanoseconds, in decimal digits: exact past 2^53. */
export function nanosText(ms: number): string {
  const whole = Math.floor(ms);
  const frac = Math.round((ms - whole) * 1e6);
  return (BigInt(whole) * 1_000_000n + BigInt(frac)).toString();
}
