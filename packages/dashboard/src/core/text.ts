import type { LogRecord } from '@pulselog/shared';
import { stripAnsi } from './ansi.js';
import { jsonText } from './json.js';

/** Level labels as badges show them. */
export const LEVEL_LABEL = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warning: 'WARNING',
  error: 'ERROR',
  critical: 'CRITICAL',
} as const;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `HH:MM:SS.mmm` in local time. */
export function formatTime(ts: number): string {
  const d = new Date(ts);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `YYYY-MM-DD HH:MM:SS` in local time. */
export function formatDateTime(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A duration as `1h 02m`, `3m 04s` or `5.2s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(Math.floor(s % 60))}s`;
  return `${Math.floor(m / 60)}h ${pad(m % 60)}m`;
}

/**
 * A number as people read it in a row: integers as they are (ids and counts
 * must stay exact), other numbers to four significant digits, very small or
 * large ones in exponent form: `0.00011622614670000002` is `1.162e-4`.
 */
export function shortNumber(n: number): string {
  if (!Number.isFinite(n) || Number.isInteger(n)) return String(n);
  const abs = Math.abs(n);
  if (abs >= 1e-3 && abs < 1e6) return String(Number(n.toPrecision(4)));
  const [mantissa, exponent] = n.toExponential(3).split('e');
  return `${String(Number(mantissa))}e${Number(exponent)}`;
}

/** A field value as text for a row's chip: numbers in their short form (`shortNumber`), the rest as `formatValue`. */
export function chipValue(value: unknown): string {
  return typeof value === 'number' ? shortNumber(value) : formatValue(value);
}

/** A field value as text, in full (search text, detail); objects are cut at 120 characters. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = jsonText(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/** A byte count as `12.3 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

/**
 * The lower-cased text full-text search looks in: message (escape codes
 * removed), source, tag, fields as `key=value` and the error's name and message.
 */
export function searchText(record: LogRecord): string {
  let text = stripAnsi(record.msg);
  if (record.source) text += `\n${record.source}`;
  if (record.tag) text += `\n${record.tag}`;
  if (record.fields) {
    for (const key in record.fields) text += `\n${key}=${formatValue(record.fields[key])}`;
  }
  if (record.err) text += `\n${record.err.name}: ${record.err.message}`;
  return text.toLowerCase();
}
