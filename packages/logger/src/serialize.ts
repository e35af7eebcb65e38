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
  /** Longer keys are cut and marked with their original length. */
  maxKeyLength: number;
  /**
   * Values (objects, arrays and leaves) one call may visit. An object reached
   * by many paths is visited once per path, so this is what bounds a value
   * whose shared references make it look vast.
   */
  maxNodes: number;
  /** Characters of output one call may produce (strings and keys counted in full, a few for every other value). */
  maxOutput: number;
}

/** Strings up to this length are kept whole by default: real payloads (a 10 MB response body) leave as they are. */
export const DEFAULT_MAX_STRING_LENGTH = 16 * 1024 * 1024;

/** The defaults used by every logger unless configured otherwise. */
export const DEFAULT_LIMITS: SerializeLimits = limitsFor(DEFAULT_MAX_STRING_LENGTH);

/**
 * The limits for a `maxStringLength` (the `maxStringLength` setting): the
 * output budget grows with it so that a string kept whole always fits, with
 * room for the rest of the record.
 */
export function limitsFor(maxStringLength: number): SerializeLimits {
  return Object.freeze({
    maxDepth: 10,
    maxStringLength,
    maxItems: 100,
    maxKeys: 200,
    maxKeyLength: 1024,
    maxNodes: 100_000,
    maxOutput: Math.max(4 * maxStringLength, 1 << 20),
  });
}

/** What replaces the rest of a value once a call has used up its budget. */
export const BUDGET_MARKER = '[over budget]';

/**
 * What one call has spent of its limits. Pass one budget to every
 * serialization of a record (fields, message, error) to bound the record as
 * a whole; `cut` then says how many values the marker replaced.
 */
export class SerializeBudget {
  /** Values visited. */
  nodes = 0;
  /** Characters of output counted so far. */
  output = 0;
  /** Values replaced by `BUDGET_MARKER` once the budget ran out. */
  cut = 0;
  /** Keys cut to `maxKeyLength`. */
  keysCut = 0;
  /** Strings cut to `maxStringLength`. */
  stringsCut = 0;

  constructor(readonly limits: SerializeLimits = DEFAULT_LIMITS) {}

  /** True once the node or output budget is used up. */
  get exhausted(): boolean {
    return this.nodes >= this.limits.maxNodes || this.output >= this.limits.maxOutput;
  }

  /** Every cut made so far, each marked in the output: budget markers, keys and strings. */
  get cuts(): number {
    return this.cut + this.keysCut + this.stringsCut;
  }
}

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
    out.name = truncate(String(err.name ?? constructorName(err) ?? 'Error'), limits.maxStringLength);
  } catch {}
  try {
    out.message = truncate(String(err.message ?? ''), limits.maxStringLength);
  } catch {}
  try {
    if (typeof err.stack === 'string') out.stack = truncate(err.stack, limits.maxStringLength);
  } catch {}
  try {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'number') out.code = code;
    else if (typeof code === 'string') out.code = truncate(code, limits.maxStringLength);
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
 * Proxies). Never throws. The copy costs at most the budget's nodes and
 * output; past them the rest is `BUDGET_MARKER`.
 */
export function toJsonSafe(
  value: unknown,
  limits: SerializeLimits = DEFAULT_LIMITS,
  budget: SerializeBudget = new SerializeBudget(limits),
): unknown {
  return walk(value, limits, 0, new Set(), budget);
}

/**
 * True when `value` is plain JSON data within the limits: strings and keys
 * that need no cutting, finite numbers, booleans, null, and plain objects and
 * arrays of them, not too deep, long or wide, and no more nodes and output
 * than the budget allows. Then `JSON.stringify` alone is exact and bounded,
 * and the careful copying walk can be skipped. Anything else (a cycle shows
 * up as too deep, shared references as too many nodes) says false, having
 * spent at most the budget's nodes.
 */
export function isPlainJson(value: unknown, limits: SerializeLimits = DEFAULT_LIMITS): boolean {
  const tally = { nodes: 0, output: 0 };
  return plain(value, 0, limits, tally) && tally.output <= limits.maxOutput;
}

function plain(value: unknown, depth: number, limits: SerializeLimits, tally: { nodes: number; output: number }) {
  if (++tally.nodes > limits.maxNodes) return false;
  switch (typeof value) {
    case 'string':
      tally.output += value.length;
      return value.length <= limits.maxStringLength && tally.output <= limits.maxOutput;
    case 'number':
      return Number.isFinite(value);
    case 'boolean':
      return true;
    case 'object': {
      if (value === null) return true;
      if (depth >= limits.maxDepth) return false;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype || value.length > limits.maxItems) return false;
        for (let i = 0; i < value.length; i++) if (!plain(value[i], depth + 1, limits, tally)) return false;
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype) return false;
      // Not `for…in`: an object built key by key goes to dictionary mode past
      // a dozen keys, and `for…in` then looks every key up again.
      const keys = Object.keys(value);
      if (keys.length > limits.maxKeys) return false;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        if (key.length > limits.maxKeyLength) return false;
        tally.output += key.length;
        if (!plain((value as Record<string, unknown>)[key], depth + 1, limits, tally)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

/**
 * JSON text of any value within the budget: `JSON.stringify` itself for plain
 * data (`isPlainJson`), the careful copy otherwise. Never throws.
 */
export function encodeJson(
  value: unknown,
  limits: SerializeLimits = DEFAULT_LIMITS,
  budget: SerializeBudget = new SerializeBudget(limits),
): string {
  try {
    if (isPlainJson(value, limits)) return JSON.stringify(value);
  } catch {
    // A throwing getter or a Proxy: the careful copy below copes.
  }
  try {
    return JSON.stringify(toJsonSafe(value, limits, budget)) ?? 'null';
  } catch {
    return '"[unserializable]"';
  }
}

/** Cuts a key to `maxKeyLength`, saying how long it was. */
function cutKey(key: string, limits: SerializeLimits, budget: SerializeBudget): string {
  if (key.length <= limits.maxKeyLength) return key;
  budget.keysCut++;
  return truncate(key, limits.maxKeyLength);
}

/** Spends `chars` of output; false (and counted) when the budget cannot afford them. */
function spend(budget: SerializeBudget, chars: number): boolean {
  if (budget.exhausted || budget.output + chars > budget.limits.maxOutput) {
    budget.output = Math.max(budget.output, budget.limits.maxOutput);
    budget.cut++;
    return false;
  }
  budget.nodes++;
  budget.output += chars;
  return true;
}

/** A string as it leaves: cut to `maxStringLength` (counted), and paid for in output. */
function leaf(value: string, budget: SerializeBudget): string {
  const limit = budget.limits.maxStringLength;
  if (value.length > limit) budget.stringsCut++;
  const text = truncate(value, limit);
  return spend(budget, text.length + 2) ? text : BUDGET_MARKER;
}

/** Characters of a serialized error's text, its causes' included. */
function errorChars(err: SerializedError | undefined): number {
  let chars = 0;
  for (let e = err; e !== undefined; e = e.cause)
    chars += e.name.length + e.message.length + (e.stack?.length ?? 0) + 40;
  return chars;
}

function walk(
  value: unknown,
  limits: SerializeLimits,
  depth: number,
  seen: Set<object>,
  budget: SerializeBudget,
): unknown {
  if (typeof value === 'string') return leaf(value, budget);
  if (!spend(budget, 4)) return BUDGET_MARKER;
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return '[undefined]';
    case 'symbol':
      // A description or a name can be as long as any string: it is one.
      return leaf(value.toString(), budget);
    case 'function':
      return leaf(describeFunction(value), budget);
  }
  if (value === null) return null;
  const obj = value as object;
  if (seen.has(obj)) return '[Circular]';
  try {
    return walkObject(obj, limits, depth, seen, budget);
  } catch {
    // A revoked Proxy throws on every operation, even typeof-safe ones like Array.isArray.
    return '[unserializable]';
  }
}

function walkObject(
  obj: object,
  limits: SerializeLimits,
  depth: number,
  seen: Set<object>,
  budget: SerializeBudget,
): unknown {
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof Error) {
    // The same error reachable by many paths is as costly as any shared value: its text is paid for each time.
    const err = serializeError(obj, limits);
    return spend(budget, errorChars(err)) ? err : BUDGET_MARKER;
  }
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
    if (isArray) return walkItems(obj, obj.length, limits, depth, seen, budget);
    if (obj instanceof Set) return walkItems(obj, obj.size, limits, depth, seen, budget);
    if (obj instanceof Map) {
      const out: Record<string, unknown> = {};
      let n = 0;
      for (const [k, v] of obj) {
        if (n++ >= limits.maxKeys) {
          out['…'] = `${obj.size - limits.maxKeys} more entries`;
          break;
        }
        if (budget.exhausted) {
          out['…'] = overBudget(budget);
          break;
        }
        // A key that is not a string is written as JSON from this record's budget, not a fresh one.
        const key = cutKey(typeof k === 'string' ? k : keyOf(walk(k, limits, depth + 1, seen, budget)), limits, budget);
        budget.output += key.length;
        out[key] = walk(v, limits, depth + 1, seen, budget);
      }
      return out;
    }
    const toJSON = (obj as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      try {
        return walk(toJSON.call(obj), limits, depth + 1, seen, budget);
      } catch (err) {
        return leaf(`[toJSON threw: ${safeString((err as Error)?.message ?? err)}]`, budget);
      }
    }
    return walkPlain(obj, limits, depth, seen, budget);
  } finally {
    seen.delete(obj);
  }
}

/** A Map key made of a walked value: strings as they are, anything else as its JSON. */
function keyOf(walked: unknown): string {
  return typeof walked === 'string' ? walked : (JSON.stringify(walked) ?? 'undefined');
}

/** The marker that ends an object or array whose budget ran out, counted. */
function overBudget(budget: SerializeBudget): string {
  budget.cut++;
  return BUDGET_MARKER;
}

function walkItems(
  items: Iterable<unknown>,
  size: number,
  limits: SerializeLimits,
  depth: number,
  seen: Set<object>,
  budget: SerializeBudget,
) {
  const out: unknown[] = [];
  for (const item of items) {
    if (out.length >= limits.maxItems) {
      out.push(`…${size - limits.maxItems} more items`);
      break;
    }
    if (budget.exhausted) {
      out.push(overBudget(budget));
      break;
    }
    out.push(walk(item, limits, depth + 1, seen, budget));
  }
  return out;
}

function walkPlain(obj: object, limits: SerializeLimits, depth: number, seen: Set<object>, budget: SerializeBudget) {
  const out: Record<string, unknown> = {};
  const name = constructorName(obj);
  if (name) out['@type'] = cutKey(name, limits, budget);
  const keys = Object.keys(obj);
  const count = Math.min(keys.length, limits.maxKeys);
  for (let i = 0; i < count; i++) {
    if (budget.exhausted) {
      out['…'] = overBudget(budget);
      break;
    }
    const key = keys[i] as string;
    let v: unknown;
    try {
      v = (obj as Record<string, unknown>)[key];
    } catch (err) {
      v = `[getter threw: ${safeString((err as Error)?.message ?? err)}]`;
    }
    const shown = cutKey(key, limits, budget);
    budget.output += shown.length;
    out[shown] = walk(v, limits, depth + 1, seen, budget);
  }
  if (keys.length > count) out['…'] = `${keys.length - count} more keys`;
  // Listing the keys cost a step per key, those left out too: an object of a
  // million keys reached by many paths must spend the budget, not evade it.
  budget.nodes += keys.length - count;
  return out;
}
