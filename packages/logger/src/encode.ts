import { performance } from 'node:perf_hooks';
import type { LevelName, SerializedError } from '@pulselog/shared';
import { captured, captureFields, KIND, matches, Template } from './core/template.js';
import { DEFAULT_LIMITS, safeString, toJsonSafe, truncate } from './serialize.js';

/**
 * True when `value` is plain JSON data within the limits: strings that need
 * no cutting, finite numbers, booleans, null, and plain objects and arrays of
 * them, not too deep, long or wide. Then `JSON.stringify` alone is exact and
 * safe, and the careful copying walk can be skipped. This is the common case
 * on the hot path. Anything else (a cycle shows up as too deep) says false.
 */
function isPlainJson(value: unknown, depth: number): boolean {
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
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const keyTexts = new Map<string, string>();

/** `"key":` for an object key; field names repeat, so their encodings are kept (up to a bound). */
function keyText(key: string): string {
  let text = keyTexts.get(key);
  if (text === undefined) {
    text = `${JSON.stringify(key)}:`;
    if (keyTexts.size < 4096) keyTexts.set(key, text);
  }
  return text;
}

/** Keys by position in the last fields objects encoded, with their `{"key":` or `,"key":` text. */
const shapeKeys: string[] = [];
const shapeTexts: string[] = [];

/**
 * `{"key":` for the first key of an object, `,"key":` for the others. Log
 * calls at one site pass objects of one shape, so the text for each position
 * is kept: a repeated shape costs a comparison per key, and no lookup or
 * concatenation.
 */
function keyPrefix(key: string, position: number): string {
  if (shapeKeys[position] === key) return shapeTexts[position] as string;
  const text = (position === 0 ? '{' : ',') + keyText(key);
  if (position < 32) {
    shapeKeys[position] = key;
    shapeTexts[position] = text;
  }
  return text;
}

/** JSON object text of a fields object: exact for plain data, made safe otherwise, never anything but an object. */
export function encodeFields(fields: unknown): string {
  try {
    // Flat fields, the usual kind, are written by hand: about twice as fast as `JSON.stringify`.
    if (typeof fields === 'object' && fields !== null && captureFields(fields, undefined)) return capturedJson();
  } catch {
    // A getter that throws: the careful path below says so in the record.
  }
  return encodeNested(fields);
}

/** `encodeFields` for fields `captureFields` has already found are not flat. */
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

/** A message of any type as bounded JSON text (`encodeTail` keeps the last one's). */
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
const LEVEL_TEXT: Record<LevelName, string> = {
  debug: ',"level":"debug","msg":',
  info: ',"level":"info","msg":',
  warning: ',"level":"warning","msg":',
  error: ',"level":"error","msg":',
  critical: ',"level":"critical","msg":',
};

/** The last level and string message encoded, with the tails that start with them. */
let lastLevel: LevelName | undefined;
let lastMsg: unknown;
/** `,"level":…,"msg":…`, then with `}` (a bare record) and with `,"fields":` after it. */
let lastStart = '';
let lastBare = '';
let lastWithFields = '';

/**
 * A record's line after its seq and time (see `packed.ts`): level, message,
 * then fields, tag, kind and error when present. Fields arrive already
 * encoded so that the caller controls when the snapshot is taken. A call
 * site logs one message over and over, so the tails' beginnings for the last
 * level and message are kept: a repeated bare record costs no concatenation,
 * one with fields two.
 */
export function encodeTail(
  level: LevelName,
  msg: unknown,
  fieldsJson: string | undefined,
  tag: string | undefined,
  kind: 'divider' | undefined,
  err: SerializedError | undefined,
): string {
  // Only strings are kept: anything else may change before the next call.
  if (msg !== lastMsg || level !== lastLevel) {
    const start = LEVEL_TEXT[level] + encodeMessage(msg);
    if (typeof msg !== 'string' || msg.length > 256) return tailAfter(start, fieldsJson, tag, kind, err);
    lastLevel = level;
    lastMsg = msg;
    lastStart = start;
    lastBare = `${start}}`;
    lastWithFields = `${start},"fields":`;
  }
  const hasFields = fieldsJson !== undefined && fieldsJson !== '{}';
  if (tag === undefined && kind === undefined && err === undefined) {
    return hasFields ? `${lastWithFields}${fieldsJson}}` : lastBare;
  }
  return tailAfter(lastStart, fieldsJson, tag, kind, err);
}

/** The last error encoded, and its JSON text. */
let lastErr: SerializedError | undefined;
let lastErrJson = '';

/**
 * JSON text of a serialized error. Escaping a stack costs more than the rest
 * of the record, so the text of the last error is kept: `serializeRepeated`
 * hands the same failure logged again the very same object.
 */
function errorJson(err: SerializedError): string {
  if (err !== lastErr) {
    lastErrJson = JSON.stringify(err);
    lastErr = err;
  }
  return lastErrJson;
}

/** `,"tag":…` of a tail. */
function tagText(tag: string): string {
  return `,"tag":${JSON.stringify(tag)}`;
}

/** The last tail with an error, and what it was made from. */
let lastErrTail = '';
let lastErrText = '';
let lastErrStart = '';
let lastErrFields: string | undefined;
let lastErrTag: string | undefined;

/** The rest of a tail after its level and message. */
function tailAfter(
  start: string,
  fieldsJson: string | undefined,
  tag: string | undefined,
  kind: 'divider' | undefined,
  err: SerializedError | undefined,
): string {
  if (err !== undefined && kind === undefined) {
    // The same failure logged again gets the very same string: queued records
    // then share one copy of a long stack, and a batch carries it once (see `merge.ts`).
    const errText = errorJson(err);
    if (errText === lastErrText && start === lastErrStart && fieldsJson === lastErrFields && tag === lastErrTag) {
      return lastErrTail;
    }
    lastErrTail = `${tailAfter(start, fieldsJson, tag, undefined, undefined).slice(0, -1)},"err":${errText}}`;
    lastErrText = errText;
    lastErrStart = start;
    lastErrFields = fieldsJson;
    lastErrTag = tag;
    return lastErrTail;
  }
  let tail = start;
  if (fieldsJson !== undefined && fieldsJson !== '{}') tail += `,"fields":${fieldsJson}`;
  if (tag !== undefined) tail += tagText(tag);
  if (kind !== undefined) tail += `,"kind":"${kind}"`;
  if (err !== undefined) tail += `,"err":${errorJson(err)}`;
  return `${tail}}`;
}

/** Longest message a template is made for; longer ones are unlikely to repeat. */
const MAX_TEMPLATE_MSG = 256;
/**
 * Templates by message (the newest first, chained through `next`), and
 * messages seen once (`null`): a template is made for a message's second call.
 */
const templates = new Map<string, Template | null>();
const MAX_TEMPLATES = 4096;
/** Templates kept per message: one per level, tag, context or shape it is logged with at once. */
const MAX_VARIANTS = 8;
let lastTemplate: Template | undefined;

/** The template used last, when it was for this level, message, tag and fields prefix: the one to compare fields with. */
export function lastTemplateFor(
  level: LevelName,
  msg: string,
  tag: string | undefined,
  prefix: string | undefined,
): Template | undefined {
  const last = lastTemplate;
  return last !== undefined && last.msg === msg && last.level === level && last.tag === tag && last.prefix === prefix
    ? last
    : undefined;
}

/**
 * The template for a record of `level`, `msg`, `tag`, a fields prefix
 * (bindings or context fields, as JSON object text) and the fields
 * `captureFields` just read; `undefined` when the record should be
 * serialized as text instead: the first call with a message, or a long one.
 * `expected` is what `lastTemplateFor` gave for the call: a call site logs
 * one message with one shape over and over, so it is usually that again,
 * and `captureFields` has already compared the fields with it.
 */
export function templateFor(
  level: LevelName,
  msg: string,
  tag: string | undefined,
  prefix: string | undefined,
  expected: Template | undefined,
): Template | undefined {
  if (expected !== undefined && captured.same) return expected;
  if (msg.length > MAX_TEMPLATE_MSG) return undefined;
  const first = templates.get(msg);
  if (first === undefined) {
    // Seen once: messages built per call (`epoch ${i}`) never get a template.
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    templates.set(msg, null);
    return undefined;
  }
  let template = first ?? undefined;
  let variants = 0;
  while (template !== undefined && !matches(template, level, msg, tag, prefix)) {
    template = template.next;
    variants++;
  }
  if (template === undefined) {
    template = makeTemplate(level, msg, tag, prefix);
    template.next = first ?? undefined;
    // The oldest variant goes: contexts come and go, each with its own.
    if (variants >= MAX_VARIANTS) {
      let last = template;
      for (let k = 1; k < MAX_VARIANTS && last.next !== undefined; k++) last = last.next;
      last.next = undefined;
    }
    templates.set(msg, template);
  }
  lastTemplate = template;
  return template;
}

/** The message of the last call whose fields were not flat, and calls with it since. */
let nestedMsg: string | undefined;
let nestedCalls = 0;
/** Every this many calls, a message whose fields were not flat has them tried again. */
const NESTED_RETRY = 64;

/**
 * True when the fields of a call with `msg` should go straight to text
 * (`encodeNested`): the last call with it passed fields that were not flat,
 * and a call site passes one shape over and over. Reading a big object's
 * keys only to find a nested value among them would cost a tenth of the
 * call. Every 64th call tries again, so a message that changes shape finds
 * its template; its records read the same either way.
 */
export function skipCapture(msg: string): boolean {
  if (msg !== nestedMsg) return false;
  if (++nestedCalls % NESTED_RETRY !== 0) return true;
  // Tried again: should the fields still not be flat, `noteNested` says so once more.
  nestedMsg = undefined;
  return false;
}

/** Notes that the fields of a call with `msg` were not flat (see `skipCapture`). */
export function noteNested(msg: string): void {
  nestedMsg = msg;
  nestedCalls = 0;
}

/** JSON object text of the fields `captureFields` just read. */
export function capturedJson(): string {
  const c = captured;
  if (c.count === 0) return '{}';
  let out = '';
  let num = 0;
  let str = 0;
  for (let p = 0; p < c.count; p++) {
    let text: string;
    switch (c.kinds[p]) {
      case KIND.number:
        text = `${c.nums[num++]}`;
        break;
      case KIND.boolean:
        text = c.nums[num++] === 1 ? 'true' : 'false';
        break;
      case KIND.string: {
        const v = c.strs[str++] as string;
        text = NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
        break;
      }
      default:
        text = 'null';
    }
    out += keyPrefix(c.keys[p] as string, p) + text;
  }
  return `${out}}`;
}

/**
 * A template for the captured fields, written as `encodeTail` would write
 * the same record; `prefix` is the JSON object text of bindings and context
 * fields that come before the call's own fields.
 */
function makeTemplate(level: LevelName, msg: string, tag: string | undefined, prefix: string | undefined): Template {
  const start = LEVEL_TEXT[level] + encodeMessage(msg);
  const n = captured.count;
  const keys = captured.keys.slice(0, n);
  const kinds = String.fromCharCode(...captured.kinds.slice(0, n));
  const pieces: string[] = [];
  const end = `${tag === undefined ? '' : tagText(tag)}}`;
  const open = prefix === undefined || prefix === '{}' ? '' : prefix.slice(0, -1);
  if (n === 0) {
    pieces.push(open === '' ? start + end : `${start},"fields":${open}}${end}`);
  } else {
    for (let p = 0; p < n; p++) {
      const key = keyText(keys[p] as string);
      if (p > 0) pieces.push(`,${key}`);
      else pieces.push(open === '' ? `${start},"fields":{${key}` : `${start},"fields":${open},${key}`);
    }
    pieces.push(`}${end}`);
  }
  return new Template(level, msg, tag, prefix, keys, kinds, pieces);
}
