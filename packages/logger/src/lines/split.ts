/**
 * Bytes into lines, whatever the bytes are: a line longer than `maxLine`
 * bytes is cut there with a marker (the rest is counted, never held), a line
 * that is not UTF-8 is decoded with replacement characters, and control
 * characters other than tab and ESC (ANSI colours) are shown as `\xNN`.
 * Each such line is counted, and flagged for its record.
 */
import { isUtf8 } from 'node:buffer';
import { hasControl } from './control.js';

/** A line as the splitter gives it, and what was wrong with it. */
export interface SplitLine {
  text: string;
  /** Bytes cut off the end of the line, beyond `maxLine`; 0 when whole. */
  cutBytes: number;
  /** The line was not valid UTF-8: bad bytes became U+FFFD. */
  invalidUtf8: boolean;
  /** The line held control characters (binary data), shown as `\xNN`. */
  binary: boolean;
}

/** Counts of the lines that were not clean text. */
export interface JunkCounts {
  cut: number;
  invalidUtf8: number;
  binary: number;
}

/** Longest line kept whole, in bytes, unless told otherwise: 1 MiB. */
export const MAX_LINE_BYTES = 1024 * 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what binary input looks like.
const CONTROL = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
const CONTROL_ALL = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/g;

function showControl(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/**
 * Splits a byte stream into lines at `\n` (a `\r` before it is dropped).
 * Bytes of a line not yet ended are held, up to `maxLine`; past that only
 * counted.
 */
export class LineSplitter {
  /** What was wrong with the lines so far. */
  readonly junk: JunkCounts = { cut: 0, invalidUtf8: 0, binary: 0 };
  /** The start of a line not ended yet. */
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Bytes of the line not ended yet beyond `maxLine`, dropped. */
  private overflow = 0;

  constructor(private readonly maxLine = MAX_LINE_BYTES) {}

  /** The lines `chunk` ends, in order. */
  push(chunk: Buffer): SplitLine[] {
    const out: SplitLine[] = [];
    let from = 0;
    const firstNewline = chunk.indexOf(10);
    if (firstNewline < 0) {
      this.hold(chunk);
      return out;
    }
    if (this.heldBytes > 0 || this.overflow > 0) {
      this.hold(chunk.subarray(0, firstNewline));
      out.push(this.takeHeld());
      from = firstNewline + 1;
    }
    const lastNewline = chunk.lastIndexOf(10);
    if (lastNewline >= from) this.splitWhole(chunk.subarray(from, lastNewline), out);
    if (lastNewline + 1 < chunk.length) this.hold(chunk.subarray(lastNewline + 1));
    return out;
  }

  /** The last line, when the stream ended without a newline. */
  end(): SplitLine | undefined {
    return this.heldBytes > 0 || this.overflow > 0 ? this.takeHeld() : undefined;
  }

  /** Lines of `bytes`, which end where lines end: decoded at once when they are clean UTF-8 and short. */
  private splitWhole(bytes: Buffer, out: SplitLine[]): void {
    if (isUtf8(bytes)) {
      const text = bytes.toString('utf8');
      const lines = text.split('\n');
      const dirty = hasControl(bytes);
      for (const line of lines) {
        if (line.length > this.maxLine / 4 && Buffer.byteLength(line) > this.maxLine) {
          out.push(this.line(Buffer.from(line), false));
          continue;
        }
        out.push(this.clean(line.endsWith('\r') ? line.slice(0, -1) : line, dirty, 0, false));
      }
      return;
    }
    let at = 0;
    for (;;) {
      const nl = bytes.indexOf(10, at);
      const end = nl < 0 ? bytes.length : nl;
      out.push(this.line(bytes.subarray(at, end), false));
      if (nl < 0) break;
      at = nl + 1;
    }
  }

  private hold(bytes: Buffer): void {
    const room = this.maxLine - this.heldBytes;
    if (bytes.length <= room) {
      if (bytes.length > 0) this.held.push(Buffer.from(bytes));
      this.heldBytes += bytes.length;
      return;
    }
    if (room > 0) this.held.push(Buffer.from(bytes.subarray(0, room)));
    this.heldBytes += Math.max(0, room);
    this.overflow += bytes.length - Math.max(0, room);
  }

  private takeHeld(): SplitLine {
    const bytes = this.held.length === 1 ? (this.held[0] as Buffer) : Buffer.concat(this.held, this.heldBytes);
    const cut = this.overflow;
    this.held = [];
    this.heldBytes = 0;
    this.overflow = 0;
    return this.line(bytes, cut > 0, cut);
  }

  /** One line's bytes as text, cut at `maxLine` when longer. */
  private line(bytes: Buffer, alreadyCut: boolean, cutBefore = 0): SplitLine {
    let cutBytes = cutBefore;
    let body = bytes;
    if (body.length > this.maxLine) {
      cutBytes += body.length - this.maxLine;
      body = body.subarray(0, this.maxLine);
    }
    if (cutBytes === 0 && body.length > 0 && body[body.length - 1] === 13) body = body.subarray(0, -1);
    const cut = alreadyCut || cutBytes > 0;
    let valid = isUtf8(body);
    if (!valid && cut) {
      // A cut may split the last character: up to three bytes of it are not the line's fault.
      for (let back = 1; back <= 3 && !valid; back++) {
        if (isUtf8(body.subarray(0, body.length - back))) {
          body = body.subarray(0, body.length - back);
          cutBytes += back;
          valid = true;
        }
      }
    }
    return this.clean(body.toString('utf8'), true, cutBytes, !valid);
  }

  private clean(text: string, mayHaveControl: boolean, cutBytes: number, invalidUtf8: boolean): SplitLine {
    let out = text;
    let binary = false;
    if (mayHaveControl && CONTROL.test(out)) {
      binary = true;
      out = out.replace(CONTROL_ALL, showControl);
      this.junk.binary++;
    }
    if (invalidUtf8) this.junk.invalidUtf8++;
    if (cutBytes > 0) {
      this.junk.cut++;
      out += ` … [cut: ${cutBytes} more bytes]`;
    }
    return { text: out, cutBytes, invalidUtf8, binary };
  }
}
