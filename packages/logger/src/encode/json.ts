/**
 * JSON pieces of a record's line: stateless ones every encoder shares, and
 * the writer of values that are not flat, which counts what it cuts.
 */
import { performance } from 'node:perf_hooks';
import type { LevelName } from '@pulselog/shared';
import {
  DEFAULT_LIMITS,
  encodeJson,
  isPlainJson,
  SerializeBudget,
  type SerializeLimits,
  safeString,
  toJsonSafe,
  truncate,
} from '../serialize.js';

/** Characters that a JSON string must escape, and lone surrogates, which it must write as escapes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON must escape exactly these control characters.
export const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The one way the values of a call that are not flat (nested fields, child
 * bindings, context fields, checkpoint data, a message that is not a string)
 * become JSON text: `encodeJson` of `serialize.ts` with a fresh budget per
 * value, so that shared references, wide objects, long keys and long strings
 * cost at most the limits. One per encoder; `cuts` counts what the limits
 * cut over all its calls, each cut also marked in the record.
 */
export class ValueWriter {
  /** Budget markers, keys and strings cut, over every call so far. */
  cuts = 0;

  constructor(readonly limits: SerializeLimits = DEFAULT_LIMITS) {}

  /** JSON object text of fields: an object stays one; anything else (an array, a number) is kept under `value`. */
  fields(fields: unknown): string {
    try {
      // `isPlainJson` checks the prototype; an array goes below, to be kept under `value`.
      if (typeof fields === 'object' && fields !== null && !Array.isArray(fields) && isPlainJson(fields, this.limits)) {
        return JSON.stringify(fields);
      }
    } catch {
      // A throwing getter or a Proxy: the careful copy below copes.
    }
    const budget = new SerializeBudget(this.limits);
    let text: string;
    try {
      const safe = toJsonSafe(fields, this.limits, budget);
      // A non-object in the fields position (or an object that serializes to one) is kept rather than lost.
      text =
        typeof safe === 'object' && safe !== null && !Array.isArray(safe)
          ? JSON.stringify(safe)
          : JSON.stringify({ value: safe });
    } catch {
      text = '{"value":"[unserializable]"}';
    }
    this.cuts += budget.cuts;
    return text;
  }

  /** JSON text of any value (checkpoint data, say). */
  value(value: unknown): string {
    const budget = new SerializeBudget(this.limits);
    const text = encodeJson(value, this.limits, budget);
    this.cuts += budget.cuts;
    return text;
  }

  /** A message of any type as JSON text of a string no longer than `maxStringLength` and its marker. */
  message(msg: unknown): string {
    const text = typeof msg === 'string' ? msg : safeString(msg);
    if (text.length > this.limits.maxStringLength) this.cuts++;
    return JSON.stringify(truncate(text, this.limits.maxStringLength));
  }
}

/**
 * The current time in milliseconds since `performance.timeOrigin`, to the
 * microsecond. Records keep it so, and `formatPacked` adds the origin
 * (`PackedRecords.origin`): the sum, a number of its own, would otherwise be
 * one more allocation per call for the garbage collector.
 */
export function now(): number {
  return performance.now();
}

/**
 * Joins two JSON object texts into one. Keys of `b` come last, and JSON
 * readers keep the last of duplicate keys, so `b` wins as with a spread.
 */
export function joinObjects(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || a === '{}') return b;
  if (b === undefined || b === '{}') return a;
  return `${a.slice(0, -1)},${b.slice(1)}`;
}

/** `,"level":"info","msg":` for each level: one piece instead of four, so the tail is cheaper to join later. */
export const LEVEL_TEXT: Record<LevelName, string> = {
  trace: ',"level":"trace","msg":',
  debug: ',"level":"debug","msg":',
  info: ',"level":"info","msg":',
  warning: ',"level":"warning","msg":',
  error: ',"level":"error","msg":',
  critical: ',"level":"critical","msg":',
};

/** `,"tag":…` of a tail. */
export function tagText(tag: string): string {
  return `,"tag":${JSON.stringify(tag)}`;
}
