import { parseAnsi } from '@pulselog/shared/query';

import { hasControls } from '../core/controls.js';
import { highlight } from '../core/highlight.js';
import { SafeText } from './SafeText.js';

/**
 * Log text with its ANSI colours drawn, search matches marked and
 * bidirectional control characters shown as marks (`SafeText`). Colours go
 * through the CSSOM (a style object), which the page's CSP allows; the text is
 * always a text node, never markup.
 */
export function RichText({ text, terms }: { text: string; terms: readonly string[] }) {
  const segments = parseAnsi(text);
  // Most text holds no control character; it then stays plain strings, with no component per piece.
  const marked = hasControls(text);
  return (
    <>
      {segments.map((segment, i) => {
        const pieces = highlight(segment.text, terms).map((piece, j) => {
          const shown = marked ? <SafeText key={j} text={piece.text} /> : piece.text;
          return piece.hit ? <mark key={j}>{shown}</mark> : shown;
        });
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
