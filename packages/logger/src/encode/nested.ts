/**
 * Templates for fields that are not flat: plain objects and arrays nested
 * within the limits, of one shape at a call site. Such a call's leaf values
 * go to `Capture` as a flat call's do, and its template holds the text
 * around them, brackets and keys at every depth; the thread that writes puts
 * the line together (see `template.ts`). Text for a nested object costs the
 * calling thread more than the rest of the call together, most of it in
 * strings built, escaped and copied; reading the values alone costs a third.
 */
import type { LevelName } from '@pulselog/shared';
import type { SerializeLimits } from '../serialize.js';
import { LEVEL_TEXT, tagText, type ValueWriter } from './json.js';
import { type Capture, KIND, MAX_TEMPLATE_MSG, Template } from './template.js';

/**
 * Shape tokens, besides keys (strings) and leaf kinds (`KIND`): a shape is
 * the sequence of them met walking the value depth first, so two values of
 * one sequence have the same text around their leaves.
 */
const OPEN_OBJECT = 1;
const CLOSE_OBJECT = 2;
const OPEN_ARRAY = 3;
const CLOSE_ARRAY = 4;

/** Tokens one shape may have: past them, the value goes as text. */
const MAX_TOKENS = 2048;
/** Messages whose nested templates are kept; past it the table starts again. */
const MAX_MESSAGES = 1024;
/** Templates kept per message: one per level, tag, prefix or shape it is logged with at once. */
const MAX_VARIANTS = 4;

/** Tokens to compare with before any shape is made. */
const NO_TOKENS: readonly (string | number)[] = [];

/** A nested template and the shape it was made for. */
interface Shape {
  readonly template: Template;
  readonly tokens: readonly (string | number)[];
}

/**
 * Reads nested fields into a `Capture` and finds (or makes) their template.
 * One per encoder, beside its flat templates, which it never mixes with: a
 * nested template's keys are not its fields' keys.
 */
export class NestedTemplates {
  /** The shape of the call being read; `count` tokens of it are valid. */
  private readonly tokens: (string | number)[] = [];
  private count = 0;
  /** The last shape's tokens, and whether those read so far are the same. */
  private expected: readonly (string | number)[] = NO_TOKENS;
  private same = false;
  /** Leaf values of the call being read, handed to the capture once the whole value is read. */
  private nums: Float64Array;
  private numCount = 0;
  private strs: string[] = [];
  private strCount = 0;
  /** Characters of strings and keys read: one string held by many keys is as long in the line as that many strings. */
  private chars = 0;
  /** True while a value is being read: a getter that logs then makes a nested call, which goes as text. */
  private reading = false;
  /** Shapes by message, the newest first; `null` for a message seen once. */
  private readonly shapes = new Map<string, Shape[] | null>();
  /** The shape used last, which the next call is compared with as it is read. */
  private last: Shape | undefined;

  constructor(
    private readonly limits: SerializeLimits,
    private readonly values: ValueWriter,
  ) {
    this.nums = new Float64Array(limits.maxKeys);
  }

  /**
   * The template of a call with `fields` (an object whose values are not
   * all flat), its leaf values left in `capture`; `undefined` when the call
   * should go as text: anything but plain data within the limits, the first
   * call with a message, or a call made while another is read. A getter that
   * throws propagates.
   */
  encode(
    level: LevelName,
    msg: string,
    tag: string | undefined,
    prefix: string | undefined,
    fields: object,
    capture: Capture,
  ): Template | undefined {
    if (msg.length > MAX_TEMPLATE_MSG || this.reading || !this.read(fields)) return undefined;
    const last = this.last;
    const shape =
      last !== undefined &&
      this.same &&
      this.count === last.tokens.length &&
      last.template.isFor(level, msg, tag, prefix)
        ? last
        : this.find(level, msg, tag, prefix);
    if (shape === undefined) return undefined;
    // Handed over only now, by swapping arrays rather than copying values: a
    // getter that logged while the value was read has used the capture itself.
    const nums = capture.nums;
    capture.nums = this.nums;
    this.nums = nums;
    const strs = capture.strs;
    capture.strs = this.strs;
    this.strs = strs;
    capture.numCount = this.numCount;
    capture.strCount = this.strCount;
    return shape.template;
  }

  /** Reads `fields` into the tokens and leaf values; false for anything `isPlainJson` would refuse, or too big. */
  private read(fields: object): boolean {
    this.count = 0;
    this.numCount = 0;
    this.strCount = 0;
    this.chars = 0;
    this.expected = this.last === undefined ? NO_TOKENS : this.last.tokens;
    this.same = this.last !== undefined;
    this.reading = true;
    try {
      // An empty object has no fields to write: the text path leaves `fields` out.
      return this.object(fields, 0) && this.count > 2 && this.chars <= this.limits.maxOutput;
    } finally {
      this.reading = false;
    }
  }

  /**
   * Adds a leaf kind or a bracket to the shape being read. While it is the
   * last shape's so far (`same`), tokens are only compared with that
   * shape's: a call site passes one shape over and over, and then no token
   * is stored at all. Keys go through `key`: each comparison then sees one
   * type of value, which V8 compares inline.
   */
  private token(token: number): boolean {
    const n = this.count;
    if (n >= MAX_TOKENS) return false;
    if (this.same) {
      if (this.expected[n] === token) {
        this.count = n + 1;
        return true;
      }
      this.differ();
    }
    this.tokens[n] = token;
    this.count = n + 1;
    return true;
  }

  /** `token` for a key. */
  private key(key: string): boolean {
    const n = this.count;
    if (n >= MAX_TOKENS) return false;
    if (this.same) {
      if (this.expected[n] === key) {
        this.count = n + 1;
        return true;
      }
      this.differ();
    }
    this.tokens[n] = key;
    this.count = n + 1;
    return true;
  }

  /** The shape read so far stops being the last one's: its tokens, only compared until now, are stored. */
  private differ(): void {
    this.same = false;
    const expected = this.expected;
    for (let k = 0; k < this.count; k++) this.tokens[k] = expected[k] as string | number;
  }

  // Kinds are told apart with `typeof v === '…'`, which V8 turns into a type
  // check where a `switch (typeof v)` compares strings.
  private value(v: unknown, depth: number): boolean {
    if (typeof v === 'number') {
      if (!Number.isFinite(v) || this.numCount >= this.nums.length) return false;
      this.nums[this.numCount++] = v;
      return this.token(KIND.number);
    }
    if (typeof v === 'string') {
      if (v.length > this.limits.maxStringLength || this.strCount >= MAX_TOKENS) return false;
      this.chars += v.length;
      this.strs[this.strCount++] = v;
      return this.token(KIND.string);
    }
    if (typeof v === 'boolean') {
      if (this.numCount >= this.nums.length) return false;
      this.nums[this.numCount++] = v ? 1 : 0;
      return this.token(KIND.boolean);
    }
    if (typeof v !== 'object') return false;
    if (v === null) return this.token(KIND.null);
    return Array.isArray(v) ? this.array(v, depth) : this.object(v, depth);
  }

  private object(obj: object, depth: number): boolean {
    if (depth >= this.limits.maxDepth || Object.getPrototypeOf(obj) !== Object.prototype) return false;
    // Not `for…in`: an object built key by key goes to dictionary mode past a dozen keys.
    const keys = Object.keys(obj);
    if (keys.length > this.limits.maxKeys || !this.token(OPEN_OBJECT)) return false;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (key.length > this.limits.maxKeyLength || !this.key(key)) return false;
      this.chars += key.length;
      if (!this.value((obj as Record<string, unknown>)[key], depth + 1)) return false;
    }
    return this.token(CLOSE_OBJECT);
  }

  private array(items: unknown[], depth: number): boolean {
    if (depth >= this.limits.maxDepth || Object.getPrototypeOf(items) !== Array.prototype) return false;
    if (items.length > this.limits.maxItems || !this.token(OPEN_ARRAY)) return false;
    for (let i = 0; i < items.length; i++) if (!this.value(items[i], depth + 1)) return false;
    return this.token(CLOSE_ARRAY);
  }

  /** True when `shape` was made for these tokens, level, message, tag and prefix. */
  private fits(
    shape: Shape,
    level: LevelName,
    msg: string,
    tag: string | undefined,
    prefix: string | undefined,
  ): boolean {
    if (!shape.template.isFor(level, msg, tag, prefix)) return false;
    const tokens = shape.tokens;
    const n = this.count;
    if (tokens.length !== n) return false;
    for (let k = 0; k < n; k++) if (tokens[k] !== this.tokens[k]) return false;
    return true;
  }

  /** The shape for the tokens just read: the last one, one kept for the message, or a new one from its second call. */
  private find(level: LevelName, msg: string, tag: string | undefined, prefix: string | undefined): Shape | undefined {
    // The tokens read were only compared with the last shape's: they are stored now.
    if (this.same) this.differ();
    const last = this.last;
    if (last !== undefined && this.fits(last, level, msg, tag, prefix)) return last;
    const known = this.shapes.get(msg);
    if (known === undefined) {
      // Seen once: messages built per call never get a template.
      if (this.shapes.size >= MAX_MESSAGES) this.shapes.clear();
      this.shapes.set(msg, null);
      return undefined;
    }
    let shape = known?.find((s) => this.fits(s, level, msg, tag, prefix));
    if (shape === undefined) {
      shape = { template: this.make(level, msg, tag, prefix), tokens: this.tokens.slice(0, this.count) };
      const variants = known ?? [];
      variants.unshift(shape);
      // The oldest variant goes: contexts come and go, each with its own.
      if (variants.length > MAX_VARIANTS) variants.pop();
      this.shapes.set(msg, variants);
    }
    this.last = shape;
    return shape;
  }

  /**
   * A template for the tokens just read, written as `Encoder.tail` would
   * write the record: the text before each leaf, then the text after the
   * last. `prefix` is the JSON object text of bindings or context fields,
   * before the call's own.
   */
  private make(level: LevelName, msg: string, tag: string | undefined, prefix: string | undefined): Template {
    const open = prefix === undefined || prefix === '{}' ? '' : prefix.slice(0, -1);
    const pieces: string[] = [];
    let kinds = '';
    let text = `${LEVEL_TEXT[level]}${this.values.message(msg)},"fields":`;
    // Per open object or array: whether a key or item has come yet (a comma goes before the next).
    const started: boolean[] = [];
    for (let k = 0; k < this.count; k++) {
      const token = this.tokens[k] as string | number;
      if (typeof token === 'string') {
        text += `${started[started.length - 1] ? ',' : ''}${JSON.stringify(token)}:`;
        started[started.length - 1] = true;
        continue;
      }
      if (token === CLOSE_OBJECT || token === CLOSE_ARRAY) {
        text += token === CLOSE_OBJECT ? '}' : ']';
        started.pop();
        continue;
      }
      // A value starts. In an object its key came just before and wrote the comma; in an array it writes its own.
      if (k > 0 && typeof this.tokens[k - 1] !== 'string') {
        if (started[started.length - 1]) text += ',';
        started[started.length - 1] = true;
      }
      if (token === OPEN_OBJECT || token === OPEN_ARRAY) {
        if (started.length === 0 && open !== '') {
          // The outermost object continues the prefix's.
          text += open;
          started.push(true);
        } else {
          text += token === OPEN_OBJECT ? '{' : '[';
          started.push(false);
        }
        continue;
      }
      pieces.push(text);
      kinds += String.fromCharCode(token);
      text = '';
    }
    pieces.push(`${text}${tag === undefined ? '' : tagText(tag)}}`);
    return new Template(level, msg, tag, prefix, [], kinds, pieces);
  }
}
