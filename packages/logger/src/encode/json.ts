/**
 * Stateless JSON pieces of a record's line: what every encoder shares and
 * nothing needs to remember between calls.
 */
import { performance } from 'node:perf_hooks';
import type { LevelName } from '@pulselog/shared';
import { DEFAULT_LIMITS, safeString, toJsonSafe, truncate } from '../serialize.js';

/**
 * True when `value` is plain JSON data within the limits: strings that need
 * no cutting, finite numbers, booleans, null, and plain objects and arrays of
 * them, not too deep, long or wide. Then `JSON.stringify` alone is exact and
 * safe, and the careful copying walk can be skipped. This is the common case
 * on the hot path. Anything else (a cycle shows up as too deep) says false.
 */
export function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
      return (value as string).length <= DEFAULT_LIMITS.maxStringLength;
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth >= DEFAULT_LIMITS.maxDepth) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || value.length > DEFAULT_LIMITS.maxItems) return false;
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      // Not `for…in`: an object built key by key goes to dictionary mode past
      // a dozen keys, and `for…in` then looks every key up again.
      const keys = Object.keys(value);
      if (keys.length > DEFAULT_LIMITS.maxKeys) return false;
      for (let i = 0; i < keys.length; i++) {
        if (!isPlainJson((value as Record<string, unknown>)[keys[i] as string], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/** Characters that a JSON string must escape, and lone surrogates, which it must write as escapes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON must escape exactly these control characters.
export const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON object text of fields that are not flat: exact for plain data, made safe otherwise, never anything but an object. */
export function encodeNested(fields: unknown): string {
  try {
    // `isPlainJson` checks the prototype; an array goes below, to be kept under `value`.
    if (typeof fields === 'object' && fields !== null && !Array.isArray(fields) && isPlainJson(fields, 0)) {
      return JSON.stringify(fields);
    }
  } catch {
    // A throwing getter or a Proxy: the careful copy below copes.
  }
  const safe = toJsonSafe(fields);
  // A non-object in the fields position (or an object that serializes to one) is kept rather than lost.
  return typeof safe === 'object' && safe !== null && !Array.isArray(safe)
    ? JSON.stringify(safe)
    : JSON.stringify({ value: safe });
}

/** JSON text of any value (checkpoint data, say): exact for plain data, made safe otherwise. */
export function encodeValue(value: unknown): string {
  try {
    if (isPlainJson(value, 0)) return JSON.stringify(value);
  } catch {
    // Exotic values take the careful path.
  }
  return JSON.stringify(toJsonSafe(value)) ?? 'null';
}

/** A message of any type as bounded JSON text. */
export function encodeMessage(msg: unknown): string {
  return JSON.stringify(truncate(typeof msg === 'string' ? msg : safeString(msg), DEFAULT_LIMITS.maxStringLength));
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
