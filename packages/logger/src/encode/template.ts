import type { LevelName } from '@pulselog/shared';
import { DEFAULT_LIMITS } from '../serialize.js';

/**
 * A record's line tail cut at its field values: the text around them, and
 * the kind of each value. Most log calls pass a flat object of numbers,
 * short strings and booleans, of the same shape at each call site. Such a
 * call keeps its values as values (numbers in a `Float64Array`, strings by
 * reference: both are copies, so the record still shows the values at the
 * moment of the call) and a reference to its template; the thread that
 * writes puts the text together. Building that text, and then copying it
 * into a batch, is most of what a call would otherwise cost.
 *
 * Wire form (`text`): the kinds, then each piece, separated by `\n`. JSON
 * text never holds a raw newline, so the pieces cannot.
 */
export class Template {
  /** Value kinds: `n` a finite number, `b` a boolean (stored as 0 or 1), `s` a string, `z` null (nothing stored). */
  readonly kinds: string;
  /** Field keys in order: a call matches when its object has exactly these keys, in this order, with values of these kinds. */
  readonly keys: readonly string[];
  /**
   * For fields with nested objects and arrays, their structure in walk order
   * (`TOKEN`), with the key of each `TOKEN.key` in `keys` at the same
   * position; `undefined` for flat fields, whose `keys` are the fields' own.
   */
  readonly tokens: Uint8Array | undefined;
  /** How many values of a record go to the numbers, and how many to the strings. */
  readonly numbers: number;
  readonly strings: number;
  /**
   * What one record counts for in batch and backlog bounds (which count
   * characters of text for other records): about the bytes it takes on its
   * way to a sink's thread, before the length of its string values.
   */
  readonly chars: number;
  readonly text: string;
  /** The level, message, tag and fields prefix this template was made for. */
  readonly level: LevelName;
  readonly msg: string;
  readonly tag: string | undefined;
  readonly prefix: string | undefined;
  /** Another template of the same message (another level, tag, prefix or shape): see `templateFor`. */
  next: Template | undefined;
  /** Batch this template was last numbered in, and its number there (see `batch/builder.ts`). */
  stamp = -1;
  index = 0;

  constructor(
    level: LevelName,
    msg: string,
    tag: string | undefined,
    prefix: string | undefined,
    keys: readonly string[],
    kinds: string,
    pieces: readonly string[],
    tokens?: Uint8Array,
  ) {
    this.level = level;
    this.msg = msg;
    this.tag = tag;
    this.prefix = prefix;
    this.keys = keys;
    this.tokens = tokens;
    this.kinds = kinds;
    let numbers = 0;
    let strings = 0;
    for (const kind of kinds) {
      if (kind === 'n' || kind === 'b') numbers++;
      else if (kind === 's') strings++;
    }
    this.numbers = numbers;
    this.strings = strings;
    this.text = `${kinds}\n${pieces.join('\n')}`;
    this.chars = 24 + 8 * kinds.length;
  }
}

/** Value kinds as the char codes of their letters in `Template.kinds`. */
export const KIND = { number: 110, boolean: 98, string: 115, null: 122 } as const;

/**
 * The structure of nested fields, one token a step of the walk: a key of an
 * object (its text in `keys`), an element of an array, a value, an object or
 * array opening and closing. The fields object itself has no open and close.
 */
export const TOKEN = {
  key: 1,
  element: 2,
  value: 3,
  openObject: 4,
  closeObject: 5,
  openArray: 6,
  closeArray: 7,
} as const;

/** Most values, and most structure tokens, one record's nested fields may have to travel as a template. */
export const MAX_VALUES = 256;
const MAX_TOKENS = 1024;

/** What `Capture.read` found: values read (flat), not readable as values, or nested objects or arrays among them. */
export const READ = { notFlat: 0, flat: 1, nested: 2 } as const;

/**
 * The fields of one call read as values (`read`), until the record is
 * queued: keys and kinds by position; numbers and booleans (as 0 or 1) in
 * `nums`, strings in `strs`, each in order. One per encoder: a getter that
 * logs while fields are being read makes a nested call, which `reading`
 * sends down the text path.
 */
export class Capture {
  keys: string[] = [];
  kinds: number[] = [];
  count = 0;
  nums = new Float64Array(MAX_VALUES);
  /** Structure of nested fields (`readNested`), and the key of each key token. */
  tokens = new Uint8Array(MAX_TOKENS);
  tokenCount = 0;
  numCount = 0;
  strs: string[] = [];
  strCount = 0;
  /** True when the keys and kinds are exactly those of the template `read` was given. */
  same = false;
  private reading = false;

  /**
   * Reads a plain object's fields when every value is a finite number, a
   * boolean, null or a string within the length limit, comparing them with
   * `expected` on the way (the template this call site used last). Returns
   * `READ.nested` at the first plain object or array among them (for
   * `readNested`), `READ.notFlat` (and the caller serializes the record as
   * text) for anything else: `undefined`, other prototypes, too many keys, or
   * a call made while another is reading its fields. A getter that throws
   * propagates.
   */
  read(fields: object | undefined, expected: Template | undefined): number {
    if (this.reading) return READ.notFlat;
    this.count = 0;
    this.numCount = 0;
    this.strCount = 0;
    this.tokenCount = 0;
    if (fields === undefined) {
      this.same = expected !== undefined && expected.keys.length === 0 && expected.tokens === undefined;
      return READ.flat;
    }
    if (Object.getPrototypeOf(fields) !== Object.prototype) return READ.notFlat;
    const keys = expected?.keys;
    const kinds = expected?.kinds;
    let same = expected !== undefined && expected.tokens === undefined;
    this.reading = true;
    try {
      let n = 0;
      for (const key in fields) {
        if (n >= DEFAULT_LIMITS.maxKeys) return READ.notFlat;
        const v = (fields as Record<string, unknown>)[key];
        let kind: number;
        switch (typeof v) {
          case 'number':
            if (!Number.isFinite(v)) return READ.notFlat;
            kind = KIND.number;
            this.nums[this.numCount++] = v;
            break;
          case 'string':
            if (v.length > DEFAULT_LIMITS.maxStringLength) return READ.notFlat;
            kind = KIND.string;
            this.strs[this.strCount++] = v;
            break;
          case 'boolean':
            kind = KIND.boolean;
            this.nums[this.numCount++] = v ? 1 : 0;
            break;
          default:
            if (v === null) kind = KIND.null;
            else return typeof v === 'object' ? READ.nested : READ.notFlat;
        }
        if (same && ((keys as readonly string[])[n] !== key || (kinds as string).charCodeAt(n) !== kind)) same = false;
        this.keys[n] = key;
        this.kinds[n] = kind;
        n++;
      }
      this.count = n;
      this.same = same && n === (keys as readonly string[]).length;
      return READ.flat;
    } finally {
      this.reading = false;
    }
  }

  /**
   * Reads fields with nested plain objects and arrays as values and their
   * structure (`tokens`, with keys in `keys`), comparing them with
   * `expected`. Takes exactly what `JSON.stringify` alone would write safely
   * (the limits of `isPlainJson`), so a template writes the same text;
   * false for anything else. A getter that throws propagates.
   */
  readNested(fields: object, expected: Template | undefined): boolean {
    if (this.reading) return false;
    this.count = 0;
    this.numCount = 0;
    this.strCount = 0;
    this.tokenCount = 0;
    this.expected = expected?.tokens === undefined ? undefined : expected;
    this.matching = this.expected !== undefined;
    this.reading = true;
    try {
      if (!this.walkObject(fields, 0)) return false;
      const e = this.expected;
      this.same =
        this.matching && e !== undefined && this.tokenCount === e.keys.length && this.count === e.kinds.length;
      return true;
    } finally {
      this.reading = false;
    }
  }

  private expected: Template | undefined;
  private matching = false;

  private walkObject(object: object, depth: number): boolean {
    if (depth >= DEFAULT_LIMITS.maxDepth || Object.getPrototypeOf(object) !== Object.prototype) return false;
    const keys = Object.keys(object);
    if (keys.length > DEFAULT_LIMITS.maxKeys) return false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (!this.token(TOKEN.key, key)) return false;
      if (!this.walkValue((object as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return true;
  }

  private walkValue(v: unknown, depth: number): boolean {
    let kind: number;
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) return false;
        kind = KIND.number;
        this.nums[this.numCount++] = v;
        break;
      case 'string':
        if (v.length > DEFAULT_LIMITS.maxStringLength) return false;
        kind = KIND.string;
        this.strs[this.strCount++] = v;
        break;
      case 'boolean':
        kind = KIND.boolean;
        this.nums[this.numCount++] = v ? 1 : 0;
        break;
      case 'object':
        if (v === null) {
          kind = KIND.null;
          break;
        }
        if (Array.isArray(v)) {
          if (depth >= DEFAULT_LIMITS.maxDepth || Object.getPrototypeOf(v) !== Array.prototype) return false;
          if (v.length > DEFAULT_LIMITS.maxItems || !this.token(TOKEN.openArray, undefined)) return false;
          for (let i = 0; i < v.length; i++) {
            if (!this.token(TOKEN.element, undefined) || !this.walkValue(v[i], depth + 1)) return false;
          }
          return this.token(TOKEN.closeArray, undefined);
        }
        return (
          this.token(TOKEN.openObject, undefined) &&
          this.walkObject(v, depth) &&
          this.token(TOKEN.closeObject, undefined)
        );
      default:
        return false;
    }
    if (this.count >= MAX_VALUES) return false;
    const e = this.expected;
    if (this.matching && (e as Template).kinds.charCodeAt(this.count) !== kind) this.matching = false;
    this.kinds[this.count++] = kind;
    return this.token(TOKEN.value, undefined);
  }

  /** Notes one step of the structure, comparing it with the expected template's. */
  private token(token: number, key: string | undefined): boolean {
    const t = this.tokenCount;
    if (t >= MAX_TOKENS) return false;
    if (this.matching) {
      const e = this.expected as Template;
      if ((e.tokens as Uint8Array)[t] !== token || e.keys[t] !== key) this.matching = false;
    }
    this.tokens[t] = token;
    (this.keys as (string | undefined)[])[t] = key;
    this.tokenCount = t + 1;
    return true;
  }

  /** True when `template` was made for this level, message, tag, prefix and the keys and kinds just read. */
  matches(
    template: Template,
    level: LevelName,
    msg: string,
    tag: string | undefined,
    prefix: string | undefined,
  ): boolean {
    if (template.msg !== msg || template.level !== level || template.tag !== tag || template.prefix !== prefix)
      return false;
    if (template.tokens !== undefined) return this.matchesNested(template);
    if (this.tokenCount > 0) return false;
    const n = this.count;
    const keys = template.keys;
    if (keys.length !== n) return false;
    const kinds = template.kinds;
    for (let p = 0; p < n; p++) {
      if (keys[p] !== this.keys[p] || kinds.charCodeAt(p) !== this.kinds[p]) return false;
    }
    return true;
  }

  private matchesNested(template: Template): boolean {
    const n = this.tokenCount;
    const tokens = template.tokens as Uint8Array;
    if (n === 0 || template.keys.length !== n || template.kinds.length !== this.count) return false;
    for (let t = 0; t < n; t++) if (tokens[t] !== this.tokens[t] || template.keys[t] !== this.keys[t]) return false;
    for (let p = 0; p < this.count; p++) if (template.kinds.charCodeAt(p) !== this.kinds[p]) return false;
    return true;
  }
}
