/**
 * Bidirectional control characters in log text. Rendered as they are, they
 * reorder what follows them: "invoice\u202Egnp.exe" reads "invoiceexe.png".
 * The page shows each as a visible mark instead (`⟨U+202E⟩`), so log text
 * cannot disguise itself.
 */

/** Names of the characters marked: embeddings, overrides, isolates and the implicit marks. */
const NAMES: Readonly<Record<string, string>> = {
  '\u061C': 'ARABIC LETTER MARK',
  '\u200E': 'LEFT-TO-RIGHT MARK',
  '\u200F': 'RIGHT-TO-LEFT MARK',
  '\u202A': 'LEFT-TO-RIGHT EMBEDDING',
  '\u202B': 'RIGHT-TO-LEFT EMBEDDING',
  '\u202C': 'POP DIRECTIONAL FORMATTING',
  '\u202D': 'LEFT-TO-RIGHT OVERRIDE',
  '\u202E': 'RIGHT-TO-LEFT OVERRIDE',
  '\u2066': 'LEFT-TO-RIGHT ISOLATE',
  '\u2067': 'RIGHT-TO-LEFT ISOLATE',
  '\u2068': 'FIRST STRONG ISOLATE',
  '\u2069': 'POP DIRECTIONAL ISOLATE',
};

const ANY = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const EACH = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** A piece of text: plain, or one bidirectional control character. */
export interface TextPiece {
  text: string;
  control: boolean;
}

/** True when `text` holds a bidirectional control character (the fast path skips splitting otherwise). */
export function hasControls(text: string): boolean {
  return ANY.test(text);
}

/** Splits `text` into plain pieces and its bidirectional control characters, one piece each. */
export function splitControls(text: string): TextPiece[] {
  if (!hasControls(text)) return [{ text, control: false }];
  const pieces: TextPiece[] = [];
  let last = 0;
  for (const match of text.matchAll(EACH)) {
    if (match.index > last) pieces.push({ text: text.slice(last, match.index), control: false });
    pieces.push({ text: match[0], control: true });
    last = match.index + 1;
  }
  if (last < text.length) pieces.push({ text: text.slice(last), control: false });
  return pieces;
}

/** The code point of a character as `U+202E`. */
export function codePoint(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The visible mark of a control character: `⟨U+202E⟩`. */
export function controlMark(char: string): string {
  return `⟨${codePoint(char)}⟩`;
}

/** The Unicode name of a control character, for a tooltip. */
export function controlName(char: string): string {
  return NAMES[char] ?? 'control character';
}
