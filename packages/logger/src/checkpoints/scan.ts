import { readSync } from 'node:fs';
import { type LineEntry, nextNewline, readEntry } from './log-file.js';

/** Bytes read at a time; a longer line gets a larger buffer. */
const CHUNK = 4 << 20;

/** What a scan went through. */
export interface ScanResult {
  /** Offset just past the last complete line read: a torn tail, if any, starts here. */
  end: number;
  /** Complete lines read, damaged ones included. */
  lines: number;
  /** Lines that failed their checksum or shape check. */
  damaged: number;
}

/**
 * Reads the complete lines of the log open as `fd` from byte `from` to `to`,
 * in order, calling `visit` with each valid entry, the offset of its line
 * and the line's length (newline excluded). Only checksums and the fields
 * before a save's data are read, in chunks, so a store of any size opens in
 * the time its bytes take to checksum. Throws only the file system's errors.
 */
export function scanLog(
  fd: number,
  from: number,
  to: number,
  visit: (entry: LineEntry, at: number, bytes: number) => void,
): ScanResult {
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, to - from)));
  let pos = from;
  let lines = 0;
  let damaged = 0;
  while (pos < to) {
    const got = readAt(fd, buf, Math.min(buf.length, to - pos), pos);
    let start = 0;
    for (let nl = nextNewline(buf, 0, got); nl >= 0; nl = nextNewline(buf, start, got)) {
      const entry = readEntry(buf, start, nl);
      if (entry) visit(entry, pos + start, nl - start);
      else damaged++;
      lines++;
      start = nl + 1;
    }
    if (start === 0) {
      // No newline: the torn tail of a save cut short, or a line longer than the buffer.
      if (got < buf.length) break;
      buf = Buffer.allocUnsafe(buf.length * 2);
      continue;
    }
    pos += start;
  }
  return { end: pos, lines, damaged };
}

/** Reads `length` bytes at `position` (fewer only at the end of the file); returns how many. */
export function readAt(fd: number, buf: Buffer, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}
