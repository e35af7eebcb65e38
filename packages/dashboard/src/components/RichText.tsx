import type { ComponentChildren } from 'preact';
import { hasAnsi, parseAnsi } from '../core/ansi.js';
import { highlight } from '../core/highlight.js';

/** True when `text` holds one of `terms` (lower case), so marks are needed. */
function hasHit(text: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return false;
  const lower = text.toLowerCase();
  for (const term of terms) if (term && lower.includes(term)) return true;
  return false;
}

/**
 * Log text with its ANSI colours drawn and search matches marked, as children
 * to place in an element. Plain text (the common case) comes back as the
 * string itself: a row of a fast stream is redrawn many times a second, and a
 * text child costs far less to compare and update than a tree of pieces.
 * Colours go through the CSSOM (a style object), which the page's CSP allows;
 * the text is always a text node, never markup.
 */
export function richText(text: string, terms: readonly string[]): ComponentChildren {
  if (!hasAnsi(text) && !hasHit(text, terms)) return text;
  const segments = parseAnsi(text);
  return segments.map((segment, i) => {
    const pieces = highlight(segment.text, terms).map((piece, j) =>
      piece.hit ? <mark key={j}>{piece.text}</mark> : piece.text,
    );
    const styled = segment.fg || segment.bg || segment.bold || segment.dim || segment.italic || segment.underline;
    if (!styled) return pieces;
    const style: Record<string, string> = {};
    if (segment.fg) style.color = segment.fg;
    if (segment.bg) style.backgroundColor = segment.bg;
    if (segment.bold) style.fontWeight = '700';
    if (segment.dim) style.opacity = '0.7';
    if (segment.italic) style.fontStyle = 'italic';
    if (segment.underline) style.textDecoration = 'underline';
    return (
      <span key={i} class="ansi" style={style}>
        {pieces}
      </span>
    );
  });
}

/** `richText` as a component. */
export function RichText({ text, terms }: { text: string; terms: readonly string[] }) {
  return <>{richText(text, terms)}</>;
}
