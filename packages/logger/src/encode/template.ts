import type { LevelName } from '@pulselog/shared';
import { valueCounts } from '../batch/packed.js';
import type { SerializeLimits } from '../serialize.js';

/** Longest message a template is made for (flat or nested fields); longer ones are unlikely to repeat. */
export const MAX_TEMPLATE_MSG = 256;

/** What a record takes from an active OpenTelemetry span: the `SpanContext` fields it reads (see `trace-context.ts`). */
export interface SpanIds {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}

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
  /** How many values of a record go to the numbers, and how many to the strings. */
  readonly numbers: number;
  readonly strings: number;
  /**
   * What one record counts for in batch and backlog bounds (which count
   * characters of text for other records): about the bytes it takes on its
   * way to the pipeline thread, before the length of its string values.
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
  ) {
    this.level = level;
    this.msg = msg;
    this.tag = tag;
    this.prefix = prefix;
    this.keys = keys;
    this.kinds = kinds;
    const { numbers, strings } = valueCounts(kinds);
    this.numbers = numbers;
    this.strings = strings;
    this.text = `${kinds}\n${pieces.join('\n')}`;
    this.chars = 24 + 8 * kinds.length;
  }

  /** True when this template was made for records of `level`, `msg`, `tag` and fields prefix `prefix`. */
  isFor(level: LevelName, msg: string, tag: string | undefined, prefix: string | undefined): boolean {
    return this.msg === msg && this.level === level && this.tag === tag && this.prefix === prefix;
  }
}

/** Value kinds as the char codes of their letters in `Template.kinds`. */
export const KIND = { number: 110, boolean: 98, string: 115, null: 122 } as const;

/** The fields an active span adds (see `Capture.addSpan`), and their kinds. */
const SPAN_KEYS = ['trace_id', 'span_id', 'trace_flags'] as const;
const SPAN_KINDS = 'ssn';

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
  nums: Float64Array;
  numCount = 0;
  strs: string[] = [];
  strCount = 0;
  /**
   * True when the keys and kinds are exactly those of the template `read`
   * was given: `keys` and `kinds` then do not hold them (read that template's).
   */
  same = false;
  /** True when the keys and kinds read so far are the first ones of that template (see `addSpan`). */
  private sameSoFar = false;
  private reading = false;

  constructor(private readonly limits: SerializeLimits) {
    this.nums = new Float64Array(limits.maxKeys);
  }

  /**
   * Reads a plain object's fields when every value is a finite number, a
   * boolean, null or a string within the length limit, comparing them with
   * `expected` on the way (the template this call site used last). Returns
   * false (and the caller serializes the record as text) for anything else:
   * nested objects, arrays, `undefined`, other prototypes, too many keys, a
   * key or strings past the limits (the serializer cuts and marks them), or
   * a call made while another is reading its fields. A getter that throws
   * propagates.
   */
  read(fields: object, expected: Template | undefined): boolean {
    if (this.reading) return false;
    this.count = 0;
    this.numCount = 0;
    this.strCount = 0;
    if (Object.getPrototypeOf(fields) !== Object.prototype) return false;
    this.reading = true;
    try {
      return this.readPlain(fields as Record<string, unknown>, expected);
    } finally {
      this.reading = false;
    }
  }

  /**
   * `read`'s loop over a plain object's keys. Counts are kept in locals and
   * stored once, and kinds are told apart with `typeof v === '…'`, which V8
   * turns into a type check where a `switch (typeof v)` compares strings.
   */
  private readPlain(fields: Record<string, unknown>, expected: Template | undefined): boolean {
    const keys = expected?.keys;
    const kinds = expected?.kinds;
    let same = expected !== undefined;
    const { maxKeys, maxKeyLength, maxStringLength } = this.limits;
    const nums = this.nums;
    const strs = this.strs;
    const readKeys = this.keys;
    const readKinds = this.kinds;
    let numCount = 0;
    let strCount = 0;
    // One string held by every key is as long in the line as that many strings.
    let chars = 0;
    let n = 0;
    for (const key in fields) {
      // A key of the expected template was checked when the template was made.
      if (!same || (keys as readonly string[])[n] !== key) {
        if (same) this.storeExpected(expected as Template, n);
        same = false;
        if (n >= maxKeys || key.length > maxKeyLength) return false;
      }
      const v = fields[key];
      let kind: number;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) return false;
        kind = KIND.number;
        nums[numCount++] = v;
      } else if (typeof v === 'string') {
        if (v.length > maxStringLength) return false;
        chars += v.length;
        kind = KIND.string;
        strs[strCount++] = v;
      } else if (typeof v === 'boolean') {
        kind = KIND.boolean;
        nums[numCount++] = v ? 1 : 0;
      } else if (v === null) {
        kind = KIND.null;
      } else {
        return false;
      }
      if (same && (kinds as string).charCodeAt(n) !== kind) {
        this.storeExpected(expected as Template, n);
        same = false;
      }
      // While they are the expected template's, keys and kinds are not stored: see `same`.
      if (!same) {
        readKeys[n] = key;
        readKinds[n] = kind;
      }
      n++;
    }
    if (chars > this.limits.maxOutput) return false;
    this.count = n;
    this.numCount = numCount;
    this.strCount = strCount;
    this.sameSoFar = same;
    this.same = same && n === (keys as readonly string[]).length;
    // The expected template's first keys, not all of them (a span's may follow): stored after all.
    if (same && !this.same) this.storeExpected(expected as Template, n);
    return true;
  }

  /** Stores the first `n` keys and kinds of `template` in `keys` and `kinds`, which `readPlain` compared and left out. */
  private storeExpected(template: Template, n: number): void {
    for (let p = 0; p < n; p++) {
      this.keys[p] = template.keys[p] as string;
      this.kinds[p] = template.kinds.charCodeAt(p);
    }
  }

  /**
   * `read` for a call without fields: nothing to read, and small enough for
   * V8 to inline, where `read` is not.
   */
  readNone(expected: Template | undefined): boolean {
    if (this.reading) return false;
    this.count = 0;
    this.numCount = 0;
    this.strCount = 0;
    this.sameSoFar = expected !== undefined;
    this.same = this.sameSoFar && (expected as Template).keys.length === 0;
    return true;
  }

  /**
   * Adds an active span's ids after the fields just read, as the fields
   * `trace_id`, `span_id` and `trace_flags` (see `trace-context.ts`), and
   * compares them with `expected` as `read` did. False (the record then goes
   * as text) when the fields are already as many as a template holds.
   */
  addSpan(ids: SpanIds, expected: Template | undefined): boolean {
    const n = this.count;
    if (n + SPAN_KEYS.length > this.limits.maxKeys) return false;
    // The fields were the expected template's, which has no span: their keys are needed now.
    if (this.same) this.storeExpected(expected as Template, n);
    this.keys[n] = 'trace_id';
    this.kinds[n] = KIND.string;
    this.strs[this.strCount++] = ids.traceId;
    this.keys[n + 1] = 'span_id';
    this.kinds[n + 1] = KIND.string;
    this.strs[this.strCount++] = ids.spanId;
    this.keys[n + 2] = 'trace_flags';
    this.kinds[n + 2] = KIND.number;
    this.nums[this.numCount++] = ids.traceFlags;
    this.count = n + SPAN_KEYS.length;
    const keys = expected?.keys;
    this.same =
      this.sameSoFar &&
      keys !== undefined &&
      keys.length === this.count &&
      keys[n] === 'trace_id' &&
      keys[n + 1] === 'span_id' &&
      keys[n + 2] === 'trace_flags' &&
      (expected as Template).kinds.endsWith(SPAN_KINDS);
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
    if (!template.isFor(level, msg, tag, prefix)) return false;
    const n = this.count;
    const keys = template.keys;
    if (keys.length !== n) return false;
    const kinds = template.kinds;
    for (let p = 0; p < n; p++) {
      if (keys[p] !== this.keys[p] || kinds.charCodeAt(p) !== this.kinds[p]) return false;
    }
    return true;
  }
}
