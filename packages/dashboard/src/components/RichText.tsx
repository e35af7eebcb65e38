import { parseAnsi } from '../core/ansi.js';
import { highlight } from '../core/highlight.js';

/**
 * Log text with its ANSI colours drawn and search matches marked. Colours go
 * through the CSSOM (a style object), which the page's CSP allows; the text is
 * always a text node, never markup.
 */
export function RichText({ text, terms }: { text: string; terms: readonly string[] }) {
  const segments = parseAnsi(text);
  return (
    <>
      {segments.map((segment, i) => {
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
      })}
    </>
  );
}
