/**
 * Turns text holding ANSI escape sequences into styled segments. SGR colour
 * codes (16 colours, 256 colours, true colour), bold, dim, italic and
 * underline are kept; every other escape sequence is removed, so none shows as
 * junk.
 */

/** A run of text in one style. Colours are CSS colour strings. */
export interface AnsiSegment {
  text: string;
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

const BASIC = [
  '#000000',
  '#cd3131',
  '#0dbc79',
  '#e5e510',
  '#2472c8',
  '#bc3fbc',
  '#11a8cd',
  '#e5e5e5',
  '#666666',
  '#f14c4c',
  '#23d18b',
  '#f5f543',
  '#3b8eea',
  '#d670d6',
  '#29b8db',
  '#ffffff',
];

// CSI sequences, OSC sequences (ended by BEL or ST) and lone two-byte escapes.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching escape sequences is the point
const ESCAPE = /\u001b\[([0-?]*)([ -/]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]?/g;

/** True when `text` holds an escape character (the fast path skips parsing otherwise). */
export function hasAnsi(text: string): boolean {
  return text.includes('\u001b');
}

/** `text` without any escape sequence. */
export function stripAnsi(text: string): string {
  return hasAnsi(text) ? text.replace(ESCAPE, '') : text;
}

function color256(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return BASIC[n];
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const i = n - 16;
  const c = (x: number) => (x === 0 ? 0 : 55 + x * 40);
  return `rgb(${c(Math.floor(i / 36))}, ${c(Math.floor(i / 6) % 6)}, ${c(i % 6)})`;
}

type Style = Omit<AnsiSegment, 'text'>;

function applySgr(style: Style, params: number[]): Style {
  const next: Style = { ...style };
  for (let i = 0; i < params.length; i++) {
    const p = params[i] ?? 0;
    if (p === 0) {
      for (const key of Object.keys(next)) delete next[key as keyof Style];
    } else if (p === 1) next.bold = true;
    else if (p === 2) next.dim = true;
    else if (p === 3) next.italic = true;
    else if (p === 4) next.underline = true;
    else if (p === 22) {
      delete next.bold;
      delete next.dim;
    } else if (p === 23) delete next.italic;
    else if (p === 24) delete next.underline;
    else if (p >= 30 && p <= 37) next.fg = BASIC[p - 30];
    else if (p >= 90 && p <= 97) next.fg = BASIC[p - 90 + 8];
    else if (p >= 40 && p <= 47) next.bg = BASIC[p - 40];
    else if (p >= 100 && p <= 107) next.bg = BASIC[p - 100 + 8];
    else if (p === 39) delete next.fg;
    else if (p === 49) delete next.bg;
    else if (p === 38 || p === 48) {
      const key = p === 38 ? 'fg' : 'bg';
      let value: string | undefined;
      if (params[i + 1] === 5) {
        value = color256(params[i + 2] ?? -1);
        i += 2;
      } else if (params[i + 1] === 2) {
        const [r, g, b] = [params[i + 2], params[i + 3], params[i + 4]].map((x) => Math.min(255, Math.max(0, x ?? 0)));
        value = `rgb(${r}, ${g}, ${b})`;
        i += 4;
      }
      if (value) next[key] = value;
    }
  }
  return next;
}

/** Splits `text` into styled segments; plain text gives one unstyled segment. */
export function parseAnsi(text: string): AnsiSegment[] {
  if (!hasAnsi(text)) return [{ text }];
  const segments: AnsiSegment[] = [];
  let style: Style = {};
  let last = 0;
  const push = (chunk: string) => {
    if (chunk) segments.push({ text: chunk, ...style });
  };
  for (const match of text.matchAll(ESCAPE)) {
    push(text.slice(last, match.index));
    last = match.index + match[0].length;
    if (match[3] === 'm' && match[2] === '') {
      const params =
        (match[1] ?? '') === '' ? [0] : (match[1] ?? '').split(/[;:]/).map((x) => (x === '' ? 0 : Number(x)));
      style = applySgr(style, params);
    }
  }
  push(text.slice(last));
  return segments;
}
