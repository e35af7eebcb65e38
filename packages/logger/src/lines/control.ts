/**
 * Whether bytes hold a control character that marks a line as binary: any
 * below 0x20 but tab, newline and ESC (ANSI colours), and DEL. In UTF-8 these
 * are single bytes, never part of a longer character, so the bytes tell what
 * the decoded text would. Looked for four bytes at a time: every chunk of a
 * pipe is checked, and a regular expression over its text cost more than
 * splitting it into lines.
 */

/** 1 for each byte value that makes a line binary. */
const CONTROL_BYTE = new Uint8Array(256);
for (let c = 0; c < 0x20; c++) if (c !== 0x09 && c !== 0x0a && c !== 0x1b) CONTROL_BYTE[c] = 1;
CONTROL_BYTE[0x7f] = 1;

/** True when `bytes` hold a control character other than tab, newline and ESC. */
export function hasControl(bytes: Uint8Array): boolean {
  const n = bytes.length;
  let i = 0;
  // Byte by byte up to a four-byte boundary of the buffer, where whole words can be read.
  const head = Math.min(n, (4 - (bytes.byteOffset & 3)) & 3);
  for (; i < head; i++) if (CONTROL_BYTE[bytes[i] as number] === 1) return true;
  const words = (n - i) >> 2;
  if (words > 0) {
    const view = new Int32Array(bytes.buffer, bytes.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const w = view[k] as number;
      const del = w ^ 0x7f7f7f7f;
      // Exact tests for a byte below 0x20 and for a zero byte (a DEL before the xor): "Bit Twiddling Hacks", hasless and haszero.
      if ((((w - 0x20202020) & ~w) | ((del - 0x01010101) & ~del)) & 0x80808080) {
        // A newline is below 0x20 too: the word's bytes tell.
        const at = i + 4 * k;
        for (let j = at; j < at + 4; j++) if (CONTROL_BYTE[bytes[j] as number] === 1) return true;
      }
    }
    i += 4 * words;
  }
  for (; i < n; i++) if (CONTROL_BYTE[bytes[i] as number] === 1) return true;
  return false;
}
