import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasControl } from './control.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters a binary line is told by.
const CONTROL = /[\u0000-\u0008\u000b-\u001a\u001c-\u001f\u007f]/;

describe('hasControl', () => {
  it('finds exactly the control characters the text would show, wherever the bytes start and end', () => {
    // Mostly printable bytes, so that one control byte (or none) sits among many.
    const byte = fc.oneof(
      { weight: 20, arbitrary: fc.integer({ min: 0x20, max: 0xff }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 0x1f }) },
      { weight: 1, arbitrary: fc.constantFrom(0x09, 0x0a, 0x1b, 0x7f, 0x80, 0xff) },
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 200 }), fc.nat(7), (values, offset) => {
        const buffer = Buffer.alloc(offset + values.length);
        buffer.set(values, offset);
        const bytes = buffer.subarray(offset);
        // Latin-1 keeps one character a byte: the regular expression sees each byte as it is.
        expect(hasControl(bytes)).toBe(CONTROL.test(bytes.toString('latin1')));
      }),
      { numRuns: 2000 },
    );
  });

  it('passes text with tabs, newlines, ANSI colours and UTF-8, and not a lone DEL or NUL in it', () => {
    const text = Buffer.from('\u001b[31mred\u001b[0m\tok é ✓\n'.repeat(50));
    expect(hasControl(text)).toBe(false);
    for (const c of [0x00, 0x0d, 0x7f]) {
      const bytes = Buffer.concat([text, Buffer.from([c]), text]);
      expect(hasControl(bytes)).toBe(true);
    }
  });
});
