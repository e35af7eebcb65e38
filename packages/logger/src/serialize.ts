import type { SerializedError } from '@pulselog/shared';

/** Limits that keep one bad value from costing unbounded time or memory. */
export interface SerializeLimits {
  /** Nesting below this depth is replaced by a `[Object]` / `[Array]` marker. */
  maxDepth: number;
  /** Longer strings are cut and marked with their original length. */
  maxStringLength: number;
  /** Arrays, Maps and Sets longer than this keep their first items and a count. */
  maxItems: number;
  /** Objects with more keys keep the first ones and a count. */
  maxKeys: number;
}

/** The defaults used by every logger unless configured otherwise. */
export const DEFAULT_LIMITS: SerializeLimits = Object.freeze({
  maxDepth: 10,
  maxStringLength: 16 * 1024,
  maxItems: 100,
  maxKeys: 200,
});

const MAX_CAUSE_DEPTH = 5;

/** Cuts a string to the limit, saying how long it was. */
export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  return `${text.slice(0, limit)}…[truncated, ${text.length} chars]`;
}

function describeFunction(fn: object): string {
  let name: unknown = '';
  try {
    name = (fn as { name?: unknown }).name;
  } catch {
    // A Proxy around a function can throw on any property read.
  }
  return typeof name === 'string' && name ? `[Function ${name}]` : '[Function]';
}

function constructorName(value: object): string | undefined {
  try {
    const proto = Object.getPrototypeOf(value);
    if (proto === null || proto === Object.prototype) return undefined;
    const name = proto?.constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns an Error into plain data with its cause chain. Every property read is
 * guarded: errors from user code may carry throwing getters or be Proxies.
 */
export function serializeError(err: unknown, limits: SerializeLimits = DEFAULT_LIMITS, depth = 0): SerializedError {
  let isError = false;
  try {
    isError = err instanceof Error;
  } catch {
    // `instanceof` runs a Proxy's getPrototypeOf trap, which may throw (or be revoked).
  }
  if (!isError || !(err instanceof Error)) {
    return { name: 'NonError', message: truncate(safeString(err), limits.maxStringLength) };
  }
  const out: SerializedError = { name: 'Error', message: '' };
  try {
    out.name = String(err.name ?? constructorName(err) ?? 'Error');
  } catch {}
  try {
    out.message = truncate(String(err.message ?? ''), limits.maxStringLength);
  } catch {}
  try {
    if (typeof err.stack === 'string') out.stack = truncate(err.stack, limits.maxStringLength * 4);
  } catch {}
  try {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') out.code = code;
  } catch {}
  try {
    const cause = (err as { cause?: unknown }).cause;
    if (cause !== undefined && depth < MAX_CAUSE_DEPTH) out.cause = serializeError(cause, limits, depth + 1);
  } catch {}
  return out;
}

/** The last result of `serializeRepeated`. */
let lastSerialized: SerializedError | undefined;

/**
 * `serializeError` with default limits for the logging path. A program that
 * fails tends to fail the same way many times over (a retry loop, a dead
 * dependency); when `err` holds the same values as the error serialized last,
 * read again now so that a changed error is serialized afresh, the same
 * result is returned, and the call allocates nothing.
 */
export function serializeRepeated(err: unknown): SerializedError {
  if (lastSerialized !== undefined && holds(err, lastSerialized, 0)) return lastSerialized;
  lastSerialized = serializeError(err);
  return lastSerialized;
}

/** True when `err` is an `Error` whose values are those `serializeError` gave `data` (at cause depth `depth`). */
function holds(err: unknown, data: SerializedError, depth: number): boolean {
  try {
    if (!(err instanceof Error)) return false;
    const e = err as Error & { code?: unknown; cause?: unknown };
    const { name, message, stack, code, cause } = e;
    if (typeof name !== 'string' || name !== data.name) return false;
    if (typeof message !== 'string' || message !== data.message) return false;
    if (typeof stack === 'string' ? stack !== data.stack : data.stack !== undefined) return false;
    if (typeof code === 'string' || typeof code === 'number' ? code !== data.code : data.code !== undefined)
      return false;
    if (cause === undefined || depth >= MAX_CAUSE_DEPTH) return data.cause === undefined;
    return data.cause !== undefined && holds(cause, data.cause, depth + 1);
  } catch {
    // A getter or Proxy trap that throws: `serializeError` copes with it.
    return false;
  }
}

/** String form of any value that never throws. */
export function safeString(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    if (typeof value === 'symbol') return value.toString();
    if (typeof value === 'object' && value !== null) return JSON.stringify(toJsonSafe(value)) ?? String(value);
    return String(value);
  } catch {
    return '[unprintable]';
  }
}

/**
 * Returns a JSON-safe deep copy of `value`: what `JSON.stringify` would keep,
 * plus readable stand-ins for what it would drop or choke on (cycles, BigInt,
 * functions, symbols, Maps, Sets, binary data, throwing getters, revoked
 * Proxies). Never throws.
 */
export function toJsonSafe(value: unknown, limits: SerializeLimits = DEFAULT_LIMITS): unknown {
  return walk(value, limits, 0, new Set());
}

function walk(value: unknown, limits: SerializeLimits, depth: number, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      return truncate(value, limits.maxStringLength);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return '[undefined]';
    case 'symbol':
      return value.toString();
    case 'function':
      return describeFunction(value);
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  try {
    return walkObject(obj, limits, depth, seen);
  } catch {
    // A revoked Proxy throws on every operation, even typeof-safe ones like Array.isArray.
    return '[unserializable]';
  }
}

function walkObject(obj: object, limits: SerializeLimits, depth: number, seen: Set<object>): unknown {
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof Error) return serializeError(obj, limits);
  if (obj instanceof RegExp) return obj.toString();
  if (ArrayBuffer.isView(obj)) {
    const name = constructorName(obj) ?? 'TypedArray';
    return `[${name} ${obj.byteLength} bytes]`;
  }
  if (obj instanceof ArrayBuffer) return `[ArrayBuffer ${obj.byteLength} bytes]`;
  if (obj instanceof WeakMap || obj instanceof WeakSet || obj instanceof Promise) {
    return `[${constructorName(obj)}]`;
  }
  const isArray = Array.isArray(obj);
  if (depth >= limits.maxDepth) return isArray ? '[Array]' : '[Object]';
  seen.add(obj);
  try {
    if (isArray) return walkItems(obj, obj.length, limits, depth, seen);
    if (obj instanceof Set) return walkItems(obj, obj.size, limits, depth, seen);
    if (obj instanceof Map) {
      const out: Record<string, unknown> = {};
      let n = 0;
      for (const [k, v] of obj) {
        if (n++ >= limits.maxKeys) {
          out['…'] = `${obj.size - limits.maxKeys} more entries`;
          break;
        }
        out[typeof k === 'string' ? k : safeString(k)] = walk(v, limits, depth + 1, seen);
      }
      return out;
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      try {
        return walk(toJSON.call(obj), limits, depth + 1, seen);
      } catch (err) {
        return `[toJSON threw: ${safeString((err as Error)?.message ?? err)}]`;
      }
    }
    return walkPlain(obj, limits, depth, seen);
  } finally {
    seen.delete(obj);
  }
}

function walkItems(items: Iterable<unknown>, size: number, limits: SerializeLimits, depth: number, seen: Set<object>) {
  const out: unknown[] = [];
  for (const item of items) {
    if (out.length >= limits.maxItems) {
      out.push(`…${size - limits.maxItems} more items`);
      break;
    }
    out.push(walk(item, limits, depth + 1, seen));
  }
  return out;
}

function walkPlain(obj: object, limits: SerializeLimits, depth: number, seen: Set<object>) {
  const out: Record<string, unknown> = {};
  const name = constructorName(obj);
  if (name) out['@type'] = name;
  const keys = Object.keys(obj);
  const count = Math.min(keys.length, limits.maxKeys);
  for (let i = 0; i < count; i++) {
    const key = keys[i] as string;
    let v: unknown;
    try {
      v = (obj as Record<string, unknown>)[key];
    } catch (err) {
      v = `[getter threw: ${safeString((err as Error)?.message ?? err)}]`;
    }
    out[key] = walk(v, limits, depth + 1, seen);
  }
  if (keys.length > count) out['…'] = `${keys.length - count} more keys`;
  return out;
}
