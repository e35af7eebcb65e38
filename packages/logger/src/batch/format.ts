/**
 * Packed records (`packed.ts`) made into their JSON lines, as the bytes the
 * session file and the hub take: written straight into one growing buffer,
 * after `LINES_HEAD`, so that a batch is one frame and one write. No string
 * is made for a record: the pipeline thread formats every record the program
 * logs, and strings made per record (then joined, then encoded to UTF-8 for
 * the write) were most of its time and nearly all of its garbage.
 */
import { LINES_HEAD } from '@pulselog/shared';
import { type PackedRecords, valueCounts } from './packed.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON must escape exactly these control characters.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const HEAD = Buffer.from(LINES_HEAD);
const SEQ_KEY = Buffer.from('{"seq":');
/** Bytes of `,"ts":`, between the seq's digits and the time's. */
const TS_KEY_LENGTH = 6;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
/** Most bytes a record's seq and time take: `{"seq":` and 16 digits, `,"ts":` and a time to the µs, the newline. */
const RECORD_HEAD_MAX = 64;
/** Most bytes a number or boolean value takes as text (`-1.2345678901234567e-308`). */
const NUMBER_MAX = 32;
/** Size of the buffers a formatter starts with. */
const START_BYTES = 1 << 16;
/**
 * Largest buffer a formatter keeps for the next batch: one batch with a huge
 * record (a line of 100 MB cut to `--max-line`, a large value) gets a buffer
 * of its own, which is let go after it rather than held for the thread's life.
 */
const KEEP_BYTES = 1 << 23;
/**
 * Longest last line a template keeps for its next record (see `LastLine`):
 * a longer one, made of long strings, costs its copy more than the pieces
 * do, and would be held for as long as the template.
 */
const MAX_LAST_LINE = 8192;
/** Templates kept compiled between batches, by their text: a program has a few dozen messages, not thousands. */
const MAX_TEMPLATES = 1024;

/** A template as bytes: value kinds (`n`, `b`, `s`), and the text around the values. */
interface Compiled {
  kinds: string;
  parts: Uint8Array[];
  /** Bytes of the record a template makes, strings left out: what to make room for first. */
  room: number;
  /** How many of a record's values are in `nums`, and how many in `strs`. */
  numbers: number;
  strings: number;
  /** The last line it made, for the next record to patch (see `LastLine`); absent before its first. */
  last: LastLine | undefined;
}

/**
 * The last line one template made (without its newline), and where its
 * varying pieces sit in it: the seq's digits, the time's milliseconds and
 * µs, and each value. A call site logs one message over and over, with most
 * values the same as last time and the others as wide: the next record of
 * the template is then this line with a few digits written over, and one
 * native copy. Copying the text around the values piece by piece costs the
 * pipeline thread most of a record's time, and a byte loop more than that.
 */
class LastLine {
  bytes: Uint8Array = new Uint8Array(0);
  seq = -2;
  /** Where the seq's digits start and end. */
  seqAt = 0;
  seqEnd = 0;
  ms = -1;
  /** Where the milliseconds start; the µs take the three bytes before `headEnd`. */
  msAt = 0;
  headEnd = 0;
  /** Each value's bytes, `[at[p], end[p])`, and what it was: numbers and booleans (0, 1) in `nums`, strings in `strs`. */
  readonly at: Int32Array;
  readonly end: Int32Array;
  readonly nums: Float64Array;
  readonly strs: (string | undefined)[];

  constructor(values: number) {
    this.at = new Int32Array(values);
    this.end = new Int32Array(values);
    this.nums = new Float64Array(values);
    this.strs = new Array(values).fill(undefined);
  }
}

/**
 * Formats packed batches, one at a time, into a buffer it keeps for the
 * next: a record is `{"seq":N,"ts":T`, its tail, a newline (see `packed.ts`).
 * Holds what repeats between records (the line's start up to the time's
 * milliseconds, the last number with a fraction) and compiled templates, so
 * that the common record costs two or three native copies and a few digits.
 */
export class PackedFormatter {
  private out: Buffer = Buffer.allocUnsafeSlow(START_BYTES);
  private tailBytes: Buffer = Buffer.allocUnsafeSlow(START_BYTES);
  private readonly templates = new Map<string, Compiled>();
  /**
   * `{"seq":N,"ts":MS.` of the last record: the next record's seq is most
   * often this one plus one, counted up in place, and its milliseconds the same.
   */
  private lineStart: Uint8Array = Buffer.alloc(0);
  /** Where the seq's digits end in `lineStart`. */
  private seqEnd = 0;
  private lastSeq = -2;
  private lastMs = -1;
  /** The last number with a fraction written, and its text: a field often logs the same value. */
  private lastFloat = Number.NaN;
  private floatText: Uint8Array = Buffer.alloc(0);

  constructor() {
    HEAD.copy(this.out);
  }

  /**
   * The batch as a frame: `LINES_HEAD`, then its lines, UTF-8. The frame is
   * this formatter's own buffer, valid until the next call: copy it
   * (`ownedFrame`) to keep it.
   */
  frame(packed: PackedRecords): Buffer {
    if (this.out.length > KEEP_BYTES) {
      this.out = Buffer.allocUnsafeSlow(START_BYTES);
      HEAD.copy(this.out);
    }
    const { st, forms, nums, strs } = packed;
    const origin = packed.origin ?? 0;
    const compiled = (packed.templates ?? []).map((text) => this.compile(text));
    const tails = this.encodeTails(packed.tails);
    let out = this.out;
    let pos = HEAD.length;
    let from = 0;
    let num = 0;
    let str = 0;
    let tail: Uint8Array = tails.subarray(0, 0);
    for (let k = 0; k < st.length; k += 2) {
      const form = forms === undefined ? -1 : (forms[k >> 1] as number);
      if (form < 0) {
        if (form === -1) {
          let to = tails.indexOf(10, from);
          if (to < 0) to = tails.length;
          tail = tails.subarray(from, to);
          from = to + 1;
        }
        if (pos + RECORD_HEAD_MAX + tail.length > out.length) out = this.grow(pos, RECORD_HEAD_MAX + tail.length);
        pos = this.start(out, pos, st[k] as number, origin + (st[k + 1] as number));
        pos = put(out, pos, tail);
      } else {
        const template = compiled[form] as Compiled;
        const seq = st[k] as number;
        const t = origin + (st[k + 1] as number);
        const last = template.last;
        if (last !== undefined && this.patch(template, last, seq, t, nums, num, strs, str)) {
          const line = last.bytes;
          if (pos + line.length + 1 > out.length) out = this.grow(pos, line.length + 1);
          out.set(line, pos);
          pos += line.length;
        } else {
          pos = this.writeAnew(template, pos, seq, t, nums, num, strs, str);
          out = this.out;
        }
        num += template.numbers;
        str += template.strings;
      }
      out[pos++] = 10;
    }
    return out.subarray(0, pos);
  }

  /**
   * Writes a template record whole at `pos` (its values from `nums[num]`
   * and `strs[str]` on), and keeps the line for the next record of the
   * template to patch; returns where it ends. `this.out` may grow.
   */
  private writeAnew(
    template: Compiled,
    pos: number,
    seq: number,
    t: number,
    nums: Float64Array | undefined,
    num: number,
    strs: string[] | undefined,
    str: number,
  ): number {
    let out = this.out;
    if (pos + template.room > out.length) out = this.grow(pos, template.room);
    const from = pos;
    const line = template.last ?? new LastLine(template.kinds.length);
    pos = this.start(out, pos, seq, t);
    line.seq = seq;
    line.seqAt = SEQ_KEY.length;
    line.seqEnd = this.seqEnd;
    line.ms = this.lastMs;
    line.msAt = this.seqEnd + TS_KEY_LENGTH;
    line.headEnd = pos - from;
    const { kinds, parts } = template;
    pos = put(out, pos, parts[0] as Uint8Array);
    let n = num;
    let s = str;
    for (let p = 0; p < kinds.length; p++) {
      const kind = kinds.charCodeAt(p);
      line.at[p] = pos - from;
      if (kind === 110) {
        const v = nums?.[n++] as number;
        line.nums[p] = v;
        pos = this.number(out, pos, v);
      } else if (kind === 98) {
        const v = nums?.[n++] as number;
        line.nums[p] = v;
        pos = put(out, pos, v === 1 ? TRUE : FALSE);
      } else if (kind === 115) {
        const v = strs?.[s++] as string;
        line.strs[p] = v;
        // Room for the rest of the template too: it was counted before this string.
        const need = 6 * v.length + 2 + template.room;
        if (pos + need > out.length) out = this.grow(pos, need);
        pos = writeString(out, pos, v);
      } else pos = put(out, pos, NULL);
      line.end[p] = pos - from;
      pos = put(out, pos, parts[p + 1] as Uint8Array);
    }
    if (pos - from <= MAX_LAST_LINE) {
      // A copy: `out` is written over by the records after this one.
      line.bytes = new Uint8Array(pos - from);
      line.bytes.set(out.subarray(from, pos));
      template.last = line;
    } else template.last = undefined;
    return pos;
  }

  /**
   * Makes `last` the line of the record (`seq`, time `t`, values from
   * `nums[num]` and `strs[str]` on) by writing over what changed, when
   * everything that changed keeps its width. False when something does not
   * (`last` may then be half written: the caller writes the record anew).
   */
  private patch(
    template: Compiled,
    last: LastLine,
    seq: number,
    t: number,
    nums: Float64Array | undefined,
    num: number,
    strs: string[] | undefined,
    str: number,
  ): boolean {
    const line = last.bytes;
    if (seq === last.seq + 1) {
      if (!countUp(line, last.seqAt, last.seqEnd)) return false;
    } else if (!writeWhole(line, last.seqAt, last.seqEnd, seq)) return false;
    last.seq = seq;
    const ms = Math.floor(t);
    if (ms !== last.ms) {
      if (!writeWhole(line, last.msAt, last.headEnd - 4, ms)) return false;
      last.ms = ms;
    }
    writeMicros(line, last.headEnd - 3, t - ms);
    const kinds = template.kinds;
    // The last line's arrays in locals: V8 then loads them once, not once a value.
    const { nums: lastNums, strs: lastStrs, at, end } = last;
    const count = kinds.length;
    for (let p = 0; p < count; p++) {
      const kind = kinds.charCodeAt(p);
      if (kind === 110) {
        const v = (nums as Float64Array)[num++] as number;
        const was = lastNums[p] as number;
        if (v === was) continue;
        // A counter, the commonest value that changes: its digits counted up in place.
        if (v === was + 1 && was >= 0 && Number.isInteger(was) && countUp(line, at[p] as number, end[p] as number)) {
          lastNums[p] = v;
          continue;
        }
        if (!this.numberOver(line, at[p] as number, end[p] as number, v)) return false;
        lastNums[p] = v;
      } else if (kind === 98) {
        if ((nums as Float64Array)[num++] !== lastNums[p]) return false;
      } else if (kind === 115) {
        const v = (strs as string[])[str++] as string;
        if (v === lastStrs[p]) continue;
        if (!plainOver(line, at[p] as number, end[p] as number, v)) return false;
        lastStrs[p] = v;
      }
    }
    return true;
  }

  /** Writes `n` as `number` would over `line[at, end)`; false when its text is not as wide. */
  private numberOver(line: Uint8Array, at: number, end: number, n: number): boolean {
    if (n === (n | 0)) {
      if (n < 0) {
        if (!writeWhole(line, at + 1, end, -n)) return false;
        line[at] = 45;
        return true;
      }
      return writeWhole(line, at, end, n);
    }
    if (n !== this.lastFloat) {
      this.lastFloat = n;
      this.floatText = Buffer.from(`${n}`, 'latin1');
    }
    if (this.floatText.length !== end - at) return false;
    put(line, at, this.floatText);
    return true;
  }

  /** Writes `{"seq":N,"ts":T` at `pos`, the time to the µs; returns where it ends. */
  private start(out: Buffer, pos: number, seq: number, t: number): number {
    const ms = Math.floor(t);
    if (ms !== this.lastMs || seq !== this.lastSeq + 1 || !this.countUp()) this.restart(seq, ms);
    this.lastSeq = seq;
    out.set(this.lineStart, pos);
    pos += this.lineStart.length;
    writeMicros(out, pos, t - ms);
    return pos + 3;
  }

  /** Adds one to the seq in `lineStart`, in place; false when it gains a digit (the line's start is made anew). */
  private countUp(): boolean {
    const line = this.lineStart;
    for (let i = this.seqEnd - 1; i >= SEQ_KEY.length; i--) {
      if (line[i] !== 57) {
        line[i] = (line[i] as number) + 1;
        return true;
      }
      line[i] = 48;
    }
    return false;
  }

  private restart(seq: number, ms: number): void {
    const digits = `${seq < 2147483648 ? seq | 0 : seq}`;
    this.lineStart = Buffer.from(`{"seq":${digits},"ts":${ms}.`, 'latin1');
    this.seqEnd = SEQ_KEY.length + digits.length;
    this.lastMs = ms;
  }

  /** Writes a number as `${n}` prints it (integers without a road through V8's double printing). */
  private number(out: Buffer, pos: number, n: number): number {
    if (n === (n | 0)) {
      if (n < 0) {
        out[pos++] = 45;
        return writeDigits(out, pos, -n);
      }
      return writeDigits(out, pos, n);
    }
    if (n !== this.lastFloat) {
      this.lastFloat = n;
      this.floatText = Buffer.from(`${n}`, 'latin1');
    }
    return put(out, pos, this.floatText);
  }

  /** The batch's tails as UTF-8, newline-separated as they came, in a buffer kept for the next batch. */
  private encodeTails(tails: string): Buffer {
    if (tails.length === 0) return this.tailBytes.subarray(0, 0);
    // UTF-8 takes at most three bytes a UTF-16 unit; past what is kept, exactly what this batch needs, once.
    if (3 * tails.length > KEEP_BYTES) return Buffer.from(tails);
    if (3 * tails.length > this.tailBytes.length) this.tailBytes = Buffer.allocUnsafeSlow(3 * tails.length);
    return this.tailBytes.subarray(0, this.tailBytes.write(tails, 0));
  }

  /** A bigger buffer with the `pos` bytes written so far, room for `need` more after them. */
  private grow(pos: number, need: number): Buffer {
    let size = this.out.length * 2;
    while (size < pos + need) size *= 2;
    const bigger = Buffer.allocUnsafeSlow(size);
    this.out.copy(bigger, 0, 0, pos);
    this.out = bigger;
    return bigger;
  }

  private compile(text: string): Compiled {
    let template = this.templates.get(text);
    if (template !== undefined) return template;
    const [kinds = '', ...rest] = text.split('\n');
    const parts = rest.map((part) => Buffer.from(part));
    let room = RECORD_HEAD_MAX + NUMBER_MAX * kinds.length;
    for (const part of parts) room += part.length;
    template = { kinds, parts, room, ...valueCounts(kinds), last: undefined };
    if (this.templates.size >= MAX_TEMPLATES) this.templates.clear();
    this.templates.set(text, template);
    return template;
  }
}

/**
 * The JSON lines of packed records as text, each followed by a newline: what
 * `PackedFormatter.frame` writes, after its head.
 */
export function formatPacked(packed: PackedRecords): string {
  return new PackedFormatter().frame(packed).toString('utf8', HEAD.length);
}

/** A copy of `frame` that owns its whole buffer: one that can be kept, or moved to another thread. */
export function ownedFrame(frame: Buffer): Buffer {
  const owned = Buffer.allocUnsafeSlow(frame.length);
  frame.copy(owned);
  return owned;
}

/** Copies `bytes` to `out` at `pos`; returns where they end. A native copy costs more than a loop for a few bytes. */
function put(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  const length = bytes.length;
  if (length > 12) {
    out.set(bytes, pos);
    return pos + length;
  }
  for (let i = 0; i < length; i++) out[pos + i] = bytes[i] as number;
  return pos + length;
}

/** Writes the digits of `n`, a whole number from 0 to 2^53, at `pos`; returns where they end. */
function writeDigits(out: Uint8Array, pos: number, n: number): number {
  if (n >= 4294967296) {
    const text = `${n}`;
    for (let i = 0; i < text.length; i++) out[pos + i] = text.charCodeAt(i);
    return pos + text.length;
  }
  const length = digitCount(n);
  let at = pos + length;
  // Two digits a division: each one waits on the last.
  let m = n >>> 0;
  while (m >= 100) {
    const q = (m / 100) >>> 0;
    const pair = (m - q * 100) << 1;
    out[--at] = DIGIT_PAIRS[pair + 1] as number;
    out[--at] = DIGIT_PAIRS[pair] as number;
    m = q;
  }
  if (m >= 10) {
    out[--at] = DIGIT_PAIRS[(m << 1) + 1] as number;
    out[--at] = DIGIT_PAIRS[m << 1] as number;
  } else out[--at] = 48 + m;
  return pos + length;
}

/** `00` to `99` as ASCII digits, two bytes each. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : ((i >> 1) / 10) | 0));

/** Digits of `n`, a whole number below 2^32: compared, not divided. */
function digitCount(n: number): number {
  if (n < 100000) return n < 100 ? (n < 10 ? 1 : 2) : n < 1000 ? 3 : n < 10000 ? 4 : 5;
  return n < 10000000 ? (n < 1000000 ? 6 : 7) : n < 100000000 ? 8 : n < 1000000000 ? 9 : 10;
}

/**
 * Writes `s` as a JSON string at `pos` (room for `6 * s.length + 2` bytes
 * made first). Printable ASCII goes byte by byte; anything else (an escape,
 * a lone surrogate, any other character) takes `JSON.stringify` or UTF-8
 * encoding, as the logging thread's encoder does.
 */
function writeString(out: Buffer, pos: number, s: string): number {
  const start = pos;
  out[pos++] = 34;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 34 || c === 92) {
      const text = NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
      return start + out.write(text, start);
    }
    out[pos++] = c;
  }
  out[pos++] = 34;
  return pos;
}

/** The fraction of a millisecond `fraction` in µs, three digits, cut (not rounded), at `pos`. */
function writeMicros(out: Uint8Array, pos: number, fraction: number): void {
  const us = (fraction * 1000) | 0;
  const hundreds = (us / 100) | 0;
  const tens = ((us - hundreds * 100) / 10) | 0;
  out[pos] = 48 + hundreds;
  out[pos + 1] = 48 + tens;
  out[pos + 2] = 48 + us - hundreds * 100 - tens * 10;
}

/** Adds one to the digits `line[from, to)`, in place; false when they would gain a digit (they are then all 0). */
function countUp(line: Uint8Array, from: number, to: number): boolean {
  for (let i = to - 1; i >= from; i--) {
    if (line[i] !== 57) {
      line[i] = (line[i] as number) + 1;
      return true;
    }
    line[i] = 48;
  }
  // 9…9 became 0…0: the caller writes the line anew.
  return false;
}

/** Writes the digits of `n` (a whole number from 0 to 2^53) over `line[from, to)`; false when they are not as many. */
function writeWhole(line: Uint8Array, from: number, to: number, n: number): boolean {
  if (n >= 4294967296) {
    const text = `${n}`;
    if (text.length !== to - from) return false;
    for (let i = 0; i < text.length; i++) line[from + i] = text.charCodeAt(i);
    return true;
  }
  if (digitCount(n) !== to - from) return false;
  writeDigits(line, from, n);
  return true;
}

/** Writes `s` as a JSON string over `line[from, to)` when it is printable ASCII needing no escape, and as wide; else false. */
function plainOver(line: Uint8Array, from: number, to: number, s: string): boolean {
  if (s.length + 2 !== to - from) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 34 || c === 92) return false;
  }
  for (let i = 0; i < s.length; i++) line[from + 1 + i] = s.charCodeAt(i);
  return true;
}
