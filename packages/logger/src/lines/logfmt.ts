/**
 * logfmt lines (`time=… level=warn msg="disk almost full" free_mb=812`) as
 * records: `level`, `msg` and `time` as in JSON lines, other keys fields.
 */
import { recordOfObject } from './json.js';
import type { ParsedRecord } from './record.js';

const PAIR = /\s*([^\s="]+)=(?:"((?:[^"\\]|\\.)*)"|([^\s"]*))/y;
const NUMBER = /^-?(?:0|[1-9]\d{0,15})(?:\.\d+)?$/;

/**
 * The pairs of a logfmt line, or `undefined` when the line is not logfmt:
 * every token must be a `key=value` pair, and there must be two at least
 * (one `a=b` is as likely a sentence). Bare numbers and booleans become such.
 */
export function parseLogfmt(line: string): Record<string, unknown> | undefined {
  const pairs: Record<string, unknown> = {};
  let count = 0;
  PAIR.lastIndex = 0;
  let at = 0;
  while (at < line.length) {
    PAIR.lastIndex = at;
    const match = PAIR.exec(line);
    if (match === null) {
      if (line.slice(at).trim() === '') break;
      return undefined;
    }
    at = PAIR.lastIndex;
    // A pair runs into the next only across whitespace.
    if (at < line.length && line[at] !== ' ' && line[at] !== '\t') return undefined;
    const key = match[1] as string;
    const quoted = match[2];
    const bare = match[3] as string | undefined;
    let value: unknown;
    if (quoted !== undefined) value = quoted.includes('\\') ? unquote(quoted) : quoted;
    else if (bare !== undefined && NUMBER.test(bare)) value = Number(bare);
    else if (bare === 'true' || bare === 'false') value = bare === 'true';
    else value = bare ?? '';
    pairs[key] = value;
    count++;
  }
  return count >= 2 ? pairs : undefined;
}

function unquote(quoted: string): string {
  return quoted.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

/** A logfmt line as a record, or `undefined` when it is not logfmt. */
export function recordOfLogfmt(line: string, now: number): ParsedRecord | undefined {
  const pairs = parseLogfmt(line);
  return pairs === undefined ? undefined : recordOfObject(pairs, now);
}
