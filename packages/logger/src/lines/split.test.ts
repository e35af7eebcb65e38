import { describe, expect, it } from 'vitest';
import { LineSplitter } from './split.js';

function splitAll(chunks: Buffer[], maxLine?: number) {
  const splitter = new LineSplitter(maxLine);
  const lines = chunks.flatMap((chunk) => splitter.push(chunk));
  const last = splitter.end();
  if (last) lines.push(last);
  return { lines, junk: splitter.junk };
}

describe('LineSplitter', () => {
  it('splits at newlines across chunks, a character split between chunks kept whole, CRLF taken as LF', () => {
    const bytes = Buffer.from('first\r\nsecond é\nthird');
    const at = bytes.indexOf(0xa9); // the second byte of é
    const { lines, junk } = splitAll([bytes.subarray(0, at), bytes.subarray(at)]);
    expect(lines.map((l) => l.text)).toEqual(['first', 'second é', 'third']);
    expect(junk).toEqual({ cut: 0, invalidUtf8: 0, binary: 0 });
  });

  it('cuts a line longer than the limit with a marker, holding no more than the limit, and counts it', () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const chunks = Array.from({ length: 40 }, () => chunk);
    chunks.push(Buffer.from('\nshort\n'));
    const { lines, junk } = splitAll(chunks, 100 * 1024);
    expect(lines).toHaveLength(2);
    expect(lines[0]?.text).toBe(`${'x'.repeat(100 * 1024)} … [cut: ${40 * 64 * 1024 - 100 * 1024} more bytes]`);
    expect(lines[0]?.cutBytes).toBe(40 * 64 * 1024 - 100 * 1024);
    expect(lines[1]?.text).toBe('short');
    expect(junk.cut).toBe(1);
  });

  it('decodes invalid UTF-8 with replacement characters and shows control bytes as \\xNN, counting each', () => {
    const { lines, junk } = splitAll([
      Buffer.from([0x6f, 0x6b, 0xff, 0x0a, 0x00, 0x01, 0x41, 0x09, 0x1b, 0x5b, 0x6d, 0x0a]),
    ]);
    expect(lines.map((l) => l.text)).toEqual(['ok\ufffd', '\\x00\\x01A\t\u001b[m']);
    expect(lines.map((l) => [l.invalidUtf8, l.binary])).toEqual([
      [true, false],
      [false, true],
    ]);
    expect(junk).toEqual({ cut: 0, invalidUtf8: 1, binary: 1 });
  });
});
