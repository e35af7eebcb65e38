/**
 * The search text of every record, kept for fast substring search. Records
 * are gathered into sealed chunks: one flat string per CHUNK records, joined
 * by a separator no search term contains, with the offset where each record
 * starts. Finding a term is then one `indexOf` pass over each chunk (V8
 * searches a long flat string far faster than a million short ones) instead
 * of a test per record; only the records it hits are looked at further.
 */

/** Records per sealed chunk. */
export const CHUNK = 16_384;
const SEP = '\u0000';

interface Chunk {
  /** The records' texts joined by `SEP`. */
  text: string;
  /** Offset in `text` where each record's text starts, plus one past the end. */
  starts: Uint32Array;
}

/** Search text of records `0..size-1`, in order, searchable by substring. */
export class TextIndex {
  private chunks: Chunk[] = [];
  private tail: string[] = [];

  /** Records held. */
  get size(): number {
    return this.chunks.length * CHUNK + this.tail.length;
  }

  /** Adds the text of the next record. */
  add(text: string): void {
    this.tail.push(text.includes(SEP) ? text.replaceAll(SEP, ' ') : text);
    if (this.tail.length === CHUNK) this.seal();
  }

  /** Forgets every record. */
  clear(): void {
    this.chunks = [];
    this.tail = [];
  }

  /** The text of record `index`. */
  get(index: number): string {
    const c = Math.floor(index / CHUNK);
    const chunk = this.chunks[c];
    if (!chunk) return this.tail[index - c * CHUNK] ?? '';
    const j = index - c * CHUNK;
    return chunk.text.slice(chunk.starts[j], (chunk.starts[j + 1] ?? 1) - 1);
  }

  /**
   * Calls `hit` once, in ascending order, with the index of every record at
   * or after `from` whose text contains `term`.
   */
  search(term: string, from: number, hit: (index: number) => void): void {
    const size = this.size;
    if (term.includes(SEP)) return;
    let index = Math.max(0, from);
    while (index < size) {
      const c = Math.floor(index / CHUNK);
      const chunk = this.chunks[c];
      if (!chunk) {
        for (let j = index - c * CHUNK; j < this.tail.length; j++) {
          if ((this.tail[j] as string).includes(term)) hit(c * CHUNK + j);
        }
        return;
      }
      const { text, starts } = chunk;
      let j = index - c * CHUNK;
      let at = text.indexOf(term, starts[j]);
      while (at !== -1) {
        // Walk forward to the record holding the match; matches come in order, so this is linear overall.
        while ((starts[j + 1] as number) <= at) j++;
        hit(c * CHUNK + j);
        j++;
        if (j >= CHUNK) break;
        at = text.indexOf(term, starts[j]);
      }
      index = (c + 1) * CHUNK;
    }
  }

  /**
   * Roughly how often `term` occurs: its hits among the newest few thousand
   * records. Used to search for the rarest of several terms first.
   */
  sample(term: string): number {
    const chunk = this.chunks[this.chunks.length - 1];
    const text = chunk ? chunk.text : this.tail.join(SEP);
    let hits = 0;
    for (let at = text.indexOf(term); at !== -1 && hits < 10_000; at = text.indexOf(term, at + term.length)) hits++;
    return hits;
  }

  private seal(): void {
    const starts = new Uint32Array(CHUNK + 1);
    let offset = 0;
    for (let j = 0; j < CHUNK; j++) {
      starts[j] = offset;
      offset += (this.tail[j] as string).length + 1;
    }
    starts[CHUNK] = offset;
    // `join` makes one flat string; the texts it came from can go.
    this.chunks.push({ text: `${this.tail.join(SEP)}${SEP}`, starts });
    this.tail = [];
  }
}
