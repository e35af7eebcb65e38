import { crc32 } from 'node:zlib';
import { type CheckpointMeta, checkMeta } from './validate.js';

/**
 * The checkpoint log's line format: `<crc32 as 8 hex digits> <json>\n`. A
 * line cut short by a crash, or damaged, fails its checksum and is skipped;
 * every complete line before it still reads.
 *
 * A save is `{"op":"set","name":…,"ts":…,<meta>,"data":<the data's JSON>}`,
 * its data last and as it is, so a store can be opened by reading each
 * line's checksum and the few fields before `,"data":`, and the data parsed
 * only when it is loaded. `,"data":` cannot occur earlier in the line: inside
 * a JSON string every quote is escaped. A removal is
 * `{"op":"delete","name":…,"ts":…}`. Lines of earlier versions
 * (`{"op":"upsert",…,"data":"<JSON as a string>",…}`) still read.
 */

/** What one valid line says (a save's data left in the line). */
export type LineEntry =
  | ({ op: 'set'; name: string; ts: number } & CheckpointMeta)
  | { op: 'delete'; name: string; ts?: number };

const DATA_KEY = Buffer.from(',"data":');
const SPACE = 0x20;
const NEWLINE = 0x0a;

/** Encodes a save as one checksummed line, newline included; `data` is JSON text. */
export function encodeSet(name: string, ts: number, meta: CheckpointMeta, data: string): string {
  let json = `{"op":"set","name":${JSON.stringify(name)},"ts":${ts}`;
  if (meta.status !== undefined) json += `,"status":${JSON.stringify(meta.status)}`;
  if (meta.note !== undefined) json += `,"note":${JSON.stringify(meta.note)}`;
  if (meta.progress !== undefined) json += `,"progress":${meta.progress}`;
  json += `,"data":${data}}`;
  return `${hex(crc32(json))} ${json}\n`;
}

/** Encodes a removal as one checksummed line, newline included. */
export function encodeDelete(name: string, ts: number): string {
  const json = JSON.stringify({ op: 'delete', name, ts });
  return `${hex(crc32(json))} ${json}\n`;
}

function hex(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

/**
 * Reads the line `buf[start, end)` (newline excluded): its entry, or
 * `undefined` when it fails its checksum or shape. The data is not parsed.
 * Never throws.
 */
export function readEntry(buf: Buffer, start: number, end: number): LineEntry | undefined {
  const json = checkedJson(buf, start, end);
  if (!json) return undefined;
  try {
    const key = isSet(json) ? json.indexOf(DATA_KEY) : -1;
    // A save of this version: only what comes before its data is parsed.
    const value = JSON.parse(key > 0 ? `${json.toString('utf8', 0, key)}}` : json.toString('utf8')) as Record<
      string,
      unknown
    >;
    const { name, ts } = value;
    if (typeof name !== 'string') return undefined;
    if (value.op === 'delete') return typeof ts === 'number' ? { op: 'delete', name, ts } : { op: 'delete', name };
    if (typeof ts !== 'number') return undefined;
    // An earlier version's save (`upsert`) is parsed whole, its data a string of JSON.
    const saved = key > 0 || (value.op === 'upsert' && typeof value.data === 'string');
    if (saved) return { op: 'set', name, ts, ...checkMeta(name, value) };
  } catch {
    // Malformed JSON or metadata behind a matching checksum: skip the line all the same.
  }
  return undefined;
}

/** The data's JSON text of a save line (`buf[start, end)`, newline excluded), or `undefined` if damaged. */
export function readData(buf: Buffer, start: number, end: number): string | undefined {
  const json = checkedJson(buf, start, end);
  if (!json) return undefined;
  const key = isSet(json) ? json.indexOf(DATA_KEY) : -1;
  if (key > 0) {
    // This version's line: the data runs from after the key to the closing brace.
    return json.toString('utf8', key + DATA_KEY.length, json.length - 1);
  }
  try {
    const value = JSON.parse(json.toString('utf8')) as Record<string, unknown>;
    return typeof value.data === 'string' ? value.data : undefined;
  } catch {
    return undefined;
  }
}

const SET_HEAD = Buffer.from('{"op":"set",');

/** Whether a valid line (`<crc> <json>`, newline excluded) is a save in this version's form. */
export function isCurrentSave(line: Buffer): boolean {
  return isSet(line.subarray(9));
}

function isSet(json: Buffer): boolean {
  return json.subarray(0, SET_HEAD.length).equals(SET_HEAD);
}

/** The JSON part of a line whose checksum matches, or `undefined`. */
function checkedJson(buf: Buffer, start: number, end: number): Buffer | undefined {
  if (end - start < 10 || buf[start + 8] !== SPACE) return undefined;
  const json = buf.subarray(start + 9, end);
  if (buf.toString('latin1', start, start + 8) !== hex(crc32(json))) return undefined;
  return json;
}

/** Index of the first newline in `buf[from, to)`, or -1. */
export function nextNewline(buf: Buffer, from: number, to: number): number {
  const at = buf.indexOf(NEWLINE, from);
  return at >= 0 && at < to ? at : -1;
}
