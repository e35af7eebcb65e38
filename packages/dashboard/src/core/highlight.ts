/** A piece of text, marked when it matched a search term. */
export interface Piece {
  text: string;
  hit: boolean;
}

/**
 * Splits `text` at the case-insensitive occurrences of `terms` (already lower
 * case), merging overlapping matches, for highlighting.
 */
export function highlight(text: string, terms: readonly string[]): Piece[] {
  if (terms.length === 0 || text === '') return [{ text, hit: false }];
  const lower = text.toLowerCase();
  // Lower-casing can change the length of some characters; then positions would not line up.
  if (lower.length !== text.length) return [{ text, hit: false }];
  const ranges: [number, number][] = [];
  for (const term of terms) {
    if (!term) continue;
    let at = lower.indexOf(term);
    while (at !== -1) {
      ranges.push([at, at + term.length]);
      at = lower.indexOf(term, at + term.length);
    }
  }
  if (ranges.length === 0) return [{ text, hit: false }];
  ranges.sort((a, b) => a[0] - b[0]);
  const pieces: Piece[] = [];
  let pos = 0;
  let [start, end] = ranges[0] as [number, number];
  const flush = () => {
    if (start > pos) pieces.push({ text: text.slice(pos, start), hit: false });
    pieces.push({ text: text.slice(start, end), hit: true });
    pos = end;
  };
  for (const [s, e] of ranges.slice(1)) {
    if (s <= end) end = Math.max(end, e);
    else {
      flush();
      start = s;
      end = e;
    }
  }
  flush();
  if (pos < text.length) pieces.push({ text: text.slice(pos), hit: false });
  return pieces;
}
