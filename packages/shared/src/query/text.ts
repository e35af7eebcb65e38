import type { LogRecord } from '../record.js';
import { stripAnsi } from './ansi.js';
import { jsonText } from './json.js';

/** A field value as text, in full (search text, detail); objects are cut at 120 characters. */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = jsonText(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

/**
 * The lower-cased text full-text search looks in: message (escape codes
 * removed), source, tag, fields as `key=value` and the error's name and message.
 */
export function searchText(record: LogRecord): string {
  return casedSearchText(record).toLowerCase();
}

/**
 * `searchText` before lower-casing, for a caller that lower-cases many
 * records' texts joined, in one pass.
 */
export function casedSearchText(record: LogRecord): string {
  let text = stripAnsi(record.msg);
  if (record.source) text += `\n${record.source}`;
  if (record.tag) text += `\n${record.tag}`;
  if (record.fields) {
    for (const key in record.fields) text += `\n${key}=${formatValue(record.fields[key])}`;
  }
  if (record.err) text += `\n${record.err.name}: ${record.err.message}`;
  return text;
}
