import { type Level, LevelCache } from './levels.js';
import { compilePaths, type PathNode } from './paths.js';
import { compileValuePatterns, replaceMatches, type ValuePatterns } from './patterns.js';

/** What stands in place of a redacted value, and of the matching part of a string. */
export const REDACTED = '[redacted]';

/** Deeper than this nothing is checked, and nothing is written either: the serializer stops at depth 10. */
const MAX_DEPTH = 10;
/** Values one `redact` call may look at; past it, what was not checked is redacted whole (fail closed). */
const MAX_NODES = 100_000;

/** What `compileRedaction` takes: the `redact` and `redactValues` settings. */
export interface RedactOptions {
  /** Paths to redact (see `paths.ts`). */
  paths?: readonly string[];
  /** Value patterns: `true` for the defaults (bearer tokens, AWS keys, private keys), or patterns of your own. */
  values?: ValuePatterns;
}

/**
 * Turns values into what may leave a log call: a copy with `[redacted]` in
 * place of every value a path names and of every match of a value pattern.
 * The value passed in is never changed, and is returned as it is when there
 * is nothing to redact in it. Never throws.
 */
export class Redactor {
  private readonly root: Level;
  /** Values looked at in this call. */
  private nodes = 0;

  /** True when value patterns are set: strings must be looked at, whatever their keys. */
  readonly scansText: boolean;

  constructor(
    tree: PathNode,
    private readonly patterns: readonly RegExp[] | undefined,
  ) {
    this.root = new LevelCache().get([tree]);
    this.scansText = patterns !== undefined;
  }

  /** `value` with what the paths and patterns name redacted. */
  redact<T>(value: T): T {
    this.nodes = 0;
    try {
      return this.visit(value, this.root, 0) as T;
    } catch {
      // A Proxy or getter that throws midway: nothing of the value is known to be safe.
      return REDACTED as T;
    }
  }

  /**
   * Redacts flat fields as an encoder has read them: keys by position, and
   * the string values in order, which the value patterns change in place.
   * Returns false when a path names one of the keys: the caller then writes
   * `redact(fields)` instead. Nothing lies below a number, a boolean, null or
   * a string, so only the keys matter to the paths; and since a call site
   * passes the same keys call after call, each key costs one comparison with
   * the last object's (`Level.nextAt`), with no second walk of the object.
   */
  flat(keys: readonly string[], count: number, strs: string[], strCount: number): boolean {
    const root = this.root;
    for (let p = 0; p < count; p++) if (root.nextAt(keys[p] as string, p).end) return false;
    const patterns = this.patterns;
    if (patterns !== undefined) {
      for (let s = 0; s < strCount; s++) strs[s] = replaceMatches(strs[s] as string, patterns, REDACTED);
    }
    return true;
  }

  /** A string (a message) with the value patterns' matches redacted; the paths do not apply to it. */
  text(text: string): string {
    return this.patterns === undefined ? text : replaceMatches(text, this.patterns, REDACTED);
  }

  private visit(value: unknown, level: Level, depth: number): unknown {
    if (typeof value === 'string') return this.patterns === undefined ? value : this.text(value);
    if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
    if (level.dead && this.patterns === undefined) return value;
    if (++this.nodes > MAX_NODES) return REDACTED;
    const proto = Object.getPrototypeOf(value);
    // Plain objects first: the fields of nearly every call are one.
    if (proto === Object.prototype) return this.visitObject(value, level, depth, true);
    if (Array.isArray(value)) return this.visitArray(value, level, depth);
    if (value instanceof Map) return this.visitMap(value, level, depth);
    if (proto === null) return this.visitObject(value, level, depth, true);
    // An error leaves as its name, message, stack, code and cause (`serializeError`): redact that, not the error.
    if (value instanceof Error || value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value)) {
      return value;
    }
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    // The serializer writes what `toJSON` gives, so that is what must be looked at.
    if (typeof toJSON === 'function') return this.visit(toJSON.call(value), level, depth + 1);
    return this.visitObject(value, level, depth, false);
  }

  private visitObject(obj: object, level: Level, depth: number, plain: boolean): unknown {
    const record = obj as Record<string, unknown>;
    const patterns = this.patterns;
    let copy: Record<string, unknown> | undefined;
    if (plain) {
      // `for…in` on a plain object walks its enum cache, and `nextAt` compares each key with the
      // last object's: far cheaper than looking up keys the object does not have.
      let position = 0;
      for (const key in record) {
        const next = level.nextAt(key, position++);
        if (next.dead && patterns === undefined) continue;
        const old = record[key];
        // Most values are numbers and short strings where no path ends: they stay, with no call made.
        if (
          !next.end &&
          (typeof old !== 'object' || old === null) &&
          (patterns === undefined || typeof old !== 'string')
        )
          continue;
        const now = this.child(old, next, depth);
        if (now !== old) {
          copy ??= copyOf(obj);
          copy[key] = now;
        }
      }
      return copy ?? obj;
    }
    for (const key of Object.keys(obj)) {
      const next = level.next(key);
      if (next.dead && patterns === undefined) continue;
      const old = record[key];
      const now = this.child(old, next, depth);
      if (now !== old) {
        copy ??= copyOf(obj);
        copy[key] = now;
      }
    }
    return copy ?? obj;
  }

  /** What a value at `level` becomes: redacted whole, looked into, or kept. */
  private child(value: unknown, level: Level, depth: number): unknown {
    if (level.end) return REDACTED;
    if (typeof value === 'object' ? value === null : typeof value !== 'string') return value;
    return this.visit(value, level, depth + 1);
  }

  private visitArray(items: readonly unknown[], level: Level, depth: number): unknown {
    let copy: unknown[] | undefined;
    for (let i = 0; i < items.length; i++) {
      const old = items[i];
      const now = this.child(old, level.element(i), depth);
      if (now !== old) {
        copy ??= items.slice();
        copy[i] = now;
      }
    }
    return copy ?? items;
  }

  private visitMap(map: Map<unknown, unknown>, level: Level, depth: number): unknown {
    let copy: Map<unknown, unknown> | undefined;
    for (const [k, old] of map) {
      const now = this.child(old, level.next(typeof k === 'string' ? k : String(k)), depth);
      if (now !== old) {
        copy ??= new Map(map);
        copy.set(k, now);
      }
    }
    return copy ?? map;
  }
}

/** A shallow copy keeping the prototype: the serializer still names the class. */
function copyOf(obj: object): Record<string, unknown> {
  return Object.assign(Object.create(Object.getPrototypeOf(obj)), obj) as Record<string, unknown>;
}

/**
 * Compiles the `redact` and `redactValues` settings once, or returns
 * `undefined` when there is nothing to redact: a logger without them then
 * pays nothing. Throws an `Error` for a malformed path or pattern.
 */
export function compileRedaction(options: RedactOptions): Redactor | undefined {
  const paths = options.paths ?? [];
  const patterns = compileValuePatterns(options.values);
  if (paths.length === 0 && patterns === undefined) return undefined;
  return new Redactor(compilePaths(paths), patterns);
}
