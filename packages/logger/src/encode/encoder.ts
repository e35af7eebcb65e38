import type { LevelName, SerializedError } from '@pulselog/shared';
import type { Redactor } from '../redact/redactor.js';
import { DEFAULT_LIMITS, type SerializeLimits, serializeRepeated } from '../serialize.js';
import { joinObjects, LEVEL_TEXT, NEEDS_ESCAPE, now, tagText, ValueWriter } from './json.js';
import { NestedTemplates } from './nested.js';
import { Capture, KIND, MAX_TEMPLATE_MSG, type SpanIds, Template } from './template.js';

/** Templates kept in all, by message; past it the table starts again. */
const MAX_TEMPLATES = 4096;
/** Templates kept per message: one per level, tag, context or shape it is logged with at once. */
const MAX_VARIANTS = 8;
/** Every this many calls, a message whose fields were not flat has them tried again. */
const NESTED_RETRY = 64;
/** Field names whose `"key":` text is kept. */
const MAX_KEY_TEXTS = 4096;
/** Positions of a fields object whose key text is kept by shape. */
const MAX_SHAPE = 32;

/** What one call leaves to be queued: a line tail, or a template whose values are in the encoder's `capture`. */
export type Encoded = string | Template;

/** The context a call is made in, as far as its line is concerned. */
export interface CallContext {
  tag: string | undefined;
  /** Fields added to every record of the context, as JSON object text. */
  fieldsJson: string | undefined;
}

/**
 * Turns log calls into what a queue holds, with every cache the hot path
 * keeps: key texts, the last shape, the tails of the last message and error,
 * the templates of messages seen before, and the call site whose fields were
 * last found not flat. One per logger core: caches are valid for the calls
 * of one logger, in the order it sees them, whatever other loggers do.
 */
export class Encoder {
  /** The flat fields of the last call that read them; a template record's values until it is queued. */
  readonly capture: Capture;
  /** Writes values that are not flat within the limits, and counts what they cut. */
  readonly values: ValueWriter;
  /** Templates of fields that are not flat, when they are plain data within the limits. */
  private readonly nested: NestedTemplates;
  /**
   * When the last call was encoded, in ms since `performance.timeOrigin`
   * (`now()`): its record's time. Taken once its values are read, so a call
   * made by a getter while they are read (numbered first) is timed first too;
   * and taken here rather than in the level call, where V8 inlines callees
   * only up to a budget, and the queue's push matters more.
   */
  time = 0;
  private readonly keyTexts = new Map<string, string>();
  /** Keys by position in the last fields objects encoded, with their `{"key":` or `,"key":` text. */
  private readonly shapeKeys: string[] = [];
  private readonly shapeTexts: string[] = [];
  /** The last level and string message encoded, with the tails that start with them. */
  private lastLevel: LevelName | undefined;
  private lastMsg: unknown;
  /** `,"level":…,"msg":…`, then with `}` (a bare record) and with `,"fields":` after it. */
  private lastStart = '';
  private lastBare = '';
  private lastWithFields = '';
  /** The last error encoded, and its JSON text. */
  private lastErr: SerializedError | undefined;
  private lastErrJson = '';
  /** The last tail with an error, and what it was made from. */
  private lastErrTail = '';
  private lastErrText = '';
  private lastErrStart = '';
  private lastErrFields: string | undefined;
  private lastErrTag: string | undefined;
  /**
   * Templates by message (the newest first, chained through `next`), and
   * messages seen once (`null`): a template is made for a message's second call.
   */
  private readonly templates = new Map<string, Template | null>();
  private lastTemplate: Template | undefined;
  /** The last span's ids added to a record as text, and that text. */
  private lastSpan: SpanIds | undefined;
  private lastSpanJson = '';
  /** The message of the last call whose fields were not flat, and calls with it since. */
  private nestedMsg: string | undefined;
  private nestedCalls = 0;

  /**
   * `redactor`: what the `redact` settings make of a call's fields (flat
   * ones as they are read, others before they are serialized) and of errors
   * once serialized; `limits`: the serializer's (see `serialize.ts`);
   * `activeSpan`: reads the ids of the OpenTelemetry span active at a call
   * (see `trace-context.ts`), which its record then carries after its fields.
   */
  constructor(
    private readonly redactor?: Redactor,
    limits: SerializeLimits = DEFAULT_LIMITS,
    private readonly activeSpan?: () => SpanIds | undefined,
  ) {
    this.capture = new Capture(limits);
    this.values = new ValueWriter(limits);
    this.nested = new NestedTemplates(limits, this.values);
  }

  /**
   * Encodes one call. Returns a template (its values left in `capture`) when
   * the message is a string seen before and the fields are flat, else the
   * record's line tail; `undefined` when the record could not be encoded at
   * all. `bindings` are a child logger's fields as JSON object text.
   */
  encode(
    level: LevelName,
    msg: unknown,
    fields: unknown,
    kind: 'divider' | undefined,
    err: unknown,
    bindings: string | undefined,
    context: CallContext,
  ): Encoded | undefined {
    // Read here rather than in the level call: V8 inlines what a level call
    // calls only up to a budget, and the queue's push matters more there.
    const span = this.activeSpan === undefined ? undefined : this.activeSpan();
    let fieldsJson: string | undefined;
    let read = false;
    let flat = true;
    try {
      if (kind === undefined && err === undefined && typeof msg === 'string') {
        const prefix = bindings === undefined ? context.fieldsJson : bindings;
        // A child logger's bindings and a context's fields both at once are rare, and go as text.
        const templated =
          (bindings === undefined || context.fieldsJson === undefined) &&
          (fields === undefined || (typeof fields === 'object' && fields !== null));
        if (templated) {
          const expected = this.lastTemplateFor(level, msg, context.tag, prefix);
          if (fields !== undefined && this.skipCapture(msg)) flat = false;
          else if (
            (fields === undefined ? this.capture.readNone(expected) : this.capture.read(fields as object, expected)) &&
            (this.redactor === undefined || this.redactCaptured()) &&
            (span === undefined || this.capture.addSpan(span, expected))
          ) {
            const template = this.templateFor(level, msg, context.tag, prefix);
            if (template !== undefined) {
              this.time = now();
              return template;
            }
            read = true;
            fieldsJson = this.capturedJson();
          } else {
            this.noteNested(msg);
            flat = false;
          }
          // Fields that are not flat may still be plain data of one shape. Not when redacting: the
          // text path redacts the object; nor inside a span, whose ids the text path adds.
          if (!flat && fields !== undefined && this.redactor === undefined && span === undefined) {
            const template = this.nested.encode(level, msg, context.tag, prefix, fields as object, this.capture);
            if (template !== undefined) {
              this.time = now();
              return template;
            }
          }
        }
      }
    } catch {
      // A getter that throws: the text path copes, and says so in the record.
      flat = false;
      read = false;
    }
    try {
      // Fields are read once: a getter runs once per call, whichever way the record goes.
      if (!read && fields !== undefined) {
        const safe = this.redactor === undefined ? fields : this.redactor.redact(fields);
        fieldsJson = flat ? this.encodeFields(safe) : this.values.fields(safe);
      }
      if (!read && span !== undefined) fieldsJson = joinObjects(fieldsJson, this.spanJson(span));
      if (bindings !== undefined || context.fieldsJson !== undefined) {
        fieldsJson = joinObjects(joinObjects(bindings, context.fieldsJson), fieldsJson);
      }
      const errData = err === undefined ? undefined : this.serializeError(err);
      const tail = this.tail(level, msg, fieldsJson, context.tag, kind, errData);
      this.time = now();
      return tail;
    } catch {
      // Serialization is guarded throughout; this is the last line of defence, and the caller counts the loss.
      return undefined;
    }
  }

  /** `{"trace_id":…,"span_id":…,"trace_flags":…}`, kept for the span of the last call: a span logs many records. */
  private spanJson(span: SpanIds): string {
    if (span !== this.lastSpan) {
      this.lastSpanJson = JSON.stringify({
        trace_id: span.traceId,
        span_id: span.spanId,
        trace_flags: span.traceFlags,
      });
      this.lastSpan = span;
    }
    return this.lastSpanJson;
  }

  /**
   * True when the `redact` settings let the flat fields just read into
   * `capture` go as read, value patterns applied (see `Redactor.flat`);
   * false sends the call down the text path, which redacts the object.
   */
  private redactCaptured(): boolean {
    const c = this.capture;
    const redactor = this.redactor as Redactor;
    // The keys of the template this call site used last: they passed when it was made.
    if (c.same && !redactor.scansText) return true;
    return redactor.flat(c.same ? (this.lastTemplate as Template).keys : c.keys, c.count, c.strs, c.strCount);
  }

  /** The error as a record carries it, redacted when the logger redacts. */
  private serializeError(err: unknown): SerializedError {
    const serialized = serializeRepeated(err);
    return this.redactor === undefined ? serialized : this.redactor.redact(serialized);
  }

  /** JSON object text of a fields object: exact for plain data, made safe otherwise, never anything but an object. */
  encodeFields(fields: unknown): string {
    try {
      // Flat fields, the usual kind, are written by hand: about twice as fast as `JSON.stringify`.
      if (typeof fields === 'object' && fields !== null && this.capture.read(fields, undefined)) {
        return this.capturedJson();
      }
    } catch {
      // A getter that throws: the careful path below says so in the record.
    }
    return this.values.fields(fields);
  }

  /**
   * A record's line after its seq and time (see `batch/packed.ts`): level,
   * message, then fields, tag, kind and error when present. Fields arrive
   * already encoded so that the caller controls when the snapshot is taken.
   * A call site logs one message over and over, so the tails' beginnings for
   * the last level and message are kept: a repeated bare record costs no
   * concatenation, one with fields two.
   */
  tail(
    level: LevelName,
    msg: unknown,
    fieldsJson: string | undefined,
    tag: string | undefined,
    kind: 'divider' | undefined,
    err: SerializedError | undefined,
  ): string {
    // Only strings are kept: anything else may change before the next call.
    if (msg !== this.lastMsg || level !== this.lastLevel) {
      const start = LEVEL_TEXT[level] + this.values.message(msg);
      if (typeof msg !== 'string' || msg.length > 256) return this.tailAfter(start, fieldsJson, tag, kind, err);
      this.lastLevel = level;
      this.lastMsg = msg;
      this.lastStart = start;
      this.lastBare = `${start}}`;
      this.lastWithFields = `${start},"fields":`;
    }
    const hasFields = fieldsJson !== undefined && fieldsJson !== '{}';
    if (tag === undefined && kind === undefined && err === undefined) {
      return hasFields ? `${this.lastWithFields}${fieldsJson}}` : this.lastBare;
    }
    return this.tailAfter(this.lastStart, fieldsJson, tag, kind, err);
  }

  /**
   * JSON text of a serialized error. Escaping a stack costs more than the rest
   * of the record, so the text of the last error is kept: `serializeRepeated`
   * hands the same failure logged again the very same object.
   */
  private errorJson(err: SerializedError): string {
    if (err !== this.lastErr) {
      this.lastErrJson = JSON.stringify(err);
      this.lastErr = err;
    }
    return this.lastErrJson;
  }

  /** The rest of a tail after its level and message. */
  private tailAfter(
    start: string,
    fieldsJson: string | undefined,
    tag: string | undefined,
    kind: 'divider' | undefined,
    err: SerializedError | undefined,
  ): string {
    if (err !== undefined && kind === undefined) {
      // The same failure logged again gets the very same string: queued records
      // then share one copy of a long stack, and a batch carries it once (see `batch/packed.ts`).
      const errText = this.errorJson(err);
      if (
        errText === this.lastErrText &&
        start === this.lastErrStart &&
        fieldsJson === this.lastErrFields &&
        tag === this.lastErrTag
      ) {
        return this.lastErrTail;
      }
      this.lastErrTail = `${this.tailAfter(start, fieldsJson, tag, undefined, undefined).slice(0, -1)},"err":${errText}}`;
      this.lastErrText = errText;
      this.lastErrStart = start;
      this.lastErrFields = fieldsJson;
      this.lastErrTag = tag;
      return this.lastErrTail;
    }
    let tail = start;
    if (fieldsJson !== undefined && fieldsJson !== '{}') tail += `,"fields":${fieldsJson}`;
    if (tag !== undefined) tail += tagText(tag);
    if (kind !== undefined) tail += `,"kind":"${kind}"`;
    if (err !== undefined) tail += `,"err":${this.errorJson(err)}`;
    return `${tail}}`;
  }

  /** `"key":` for an object key; field names repeat, so their encodings are kept (up to a bound). */
  private keyText(key: string): string {
    let text = this.keyTexts.get(key);
    if (text === undefined) {
      text = `${JSON.stringify(key)}:`;
      if (this.keyTexts.size < MAX_KEY_TEXTS) this.keyTexts.set(key, text);
    }
    return text;
  }

  /**
   * `{"key":` for the first key of an object, `,"key":` for the others. Log
   * calls at one site pass objects of one shape, so the text for each
   * position is kept: a repeated shape costs a comparison per key, and no
   * lookup or concatenation.
   */
  private keyPrefix(key: string, position: number): string {
    if (this.shapeKeys[position] === key) return this.shapeTexts[position] as string;
    const text = (position === 0 ? '{' : ',') + this.keyText(key);
    if (position < MAX_SHAPE) {
      this.shapeKeys[position] = key;
      this.shapeTexts[position] = text;
    }
    return text;
  }

  /** The template used last, when it was for this level, message, tag and fields prefix: the one to compare fields with. */
  private lastTemplateFor(
    level: LevelName,
    msg: string,
    tag: string | undefined,
    prefix: string | undefined,
  ): Template | undefined {
    const last = this.lastTemplate;
    return last !== undefined && last.msg === msg && last.level === level && last.tag === tag && last.prefix === prefix
      ? last
      : undefined;
  }

  /**
   * The template for a record of `level`, `msg`, `tag`, a fields prefix
   * (bindings or context fields, as JSON object text) and the fields just
   * read into `capture`; `undefined` when the record should be serialized as
   * text instead: the first call with a message, or a long one. A call site
   * logs one message with one shape over and over, so it is usually the last
   * template again, which `capture.read` has already compared the fields with.
   */
  private templateFor(
    level: LevelName,
    msg: string,
    tag: string | undefined,
    prefix: string | undefined,
  ): Template | undefined {
    if (this.capture.same) return this.lastTemplate;
    if (msg.length > MAX_TEMPLATE_MSG) return undefined;
    const first = this.templates.get(msg);
    if (first === undefined) {
      // Seen once: messages built per call (`epoch ${i}`) never get a template.
      if (this.templates.size >= MAX_TEMPLATES) this.templates.clear();
      this.templates.set(msg, null);
      return undefined;
    }
    let template = first ?? undefined;
    let variants = 0;
    while (template !== undefined && !this.capture.matches(template, level, msg, tag, prefix)) {
      template = template.next;
      variants++;
    }
    if (template === undefined) {
      template = this.makeTemplate(level, msg, tag, prefix);
      template.next = first ?? undefined;
      // The oldest variant goes: contexts come and go, each with its own.
      if (variants >= MAX_VARIANTS) {
        let last = template;
        for (let k = 1; k < MAX_VARIANTS && last.next !== undefined; k++) last = last.next;
        last.next = undefined;
      }
      this.templates.set(msg, template);
    }
    this.lastTemplate = template;
    return template;
  }

  /**
   * True when the fields of a call with `msg` should go straight to text
   * (`values.fields`): the last call with it passed fields that were not flat,
   * and a call site passes one shape over and over. Reading a big object's
   * keys only to find a nested value among them would cost a tenth of the
   * call. Every 64th call tries again, so a message that changes shape finds
   * its template; its records read the same either way.
   */
  private skipCapture(msg: string): boolean {
    if (msg !== this.nestedMsg) return false;
    if (++this.nestedCalls % NESTED_RETRY !== 0) return true;
    // Tried again: should the fields still not be flat, `noteNested` says so once more.
    this.nestedMsg = undefined;
    return false;
  }

  /** Notes that the fields of a call with `msg` were not flat (see `skipCapture`). */
  private noteNested(msg: string): void {
    this.nestedMsg = msg;
    this.nestedCalls = 0;
  }

  /** JSON object text of the fields just read into `capture`. */
  private capturedJson(): string {
    const c = this.capture;
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
      out += this.keyPrefix(c.keys[p] as string, p) + text;
    }
    return `${out}}`;
  }

  /**
   * A template for the fields in `capture`, written as `tail` would write
   * the same record; `prefix` is the JSON object text of bindings and
   * context fields that come before the call's own fields.
   */
  private makeTemplate(level: LevelName, msg: string, tag: string | undefined, prefix: string | undefined): Template {
    const c = this.capture;
    const start = LEVEL_TEXT[level] + this.values.message(msg);
    const n = c.count;
    const keys = c.keys.slice(0, n);
    const kinds = String.fromCharCode(...c.kinds.slice(0, n));
    const pieces: string[] = [];
    const end = `${tag === undefined ? '' : tagText(tag)}}`;
    const open = prefix === undefined || prefix === '{}' ? '' : prefix.slice(0, -1);
    if (n === 0) {
      pieces.push(open === '' ? start + end : `${start},"fields":${open}}${end}`);
    } else {
      for (let p = 0; p < n; p++) {
        const key = this.keyText(keys[p] as string);
        if (p > 0) pieces.push(`,${key}`);
        else pieces.push(open === '' ? `${start},"fields":{${key}` : `${start},"fields":${open},${key}`);
      }
      pieces.push(`}${end}`);
    }
    return new Template(level, msg, tag, prefix, keys, kinds, pieces);
  }
}
