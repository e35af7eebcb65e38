import { codePoint, controlMark, controlName, splitControls } from '../core/controls.js';

/**
 * Log text as text, with each bidirectional control character drawn as a
 * visible mark (`⟨U+202E⟩`, named in its tooltip) instead of reordering
 * what follows it. Every piece of log content the page shows goes through
 * here or `RichText`.
 */
export function SafeText({ text }: { text: string }) {
  const pieces = splitControls(text);
  if (pieces.length === 1 && !pieces[0]?.control) return <>{text}</>;
  return (
    <>
      {pieces.map((piece, i) =>
        piece.control ? (
          <span key={i} class="ctl" title={`${codePoint(piece.text)} ${controlName(piece.text)}`}>
            {controlMark(piece.text)}
          </span>
        ) : (
          piece.text
        ),
      )}
    </>
  );
}
