/**
 * The search text of every record, kept for fast substring search. Records
 * come in runs (`PackedRecords`): one flat string per run, each record's text
 * followed by a separator no search term contains, with the offset where each
 * record starts. Runs are joined into chunks of at least CHUNK records.
 * Finding a term is then one `indexOf` pass over each chunk (V8 searches a
 * long flat string far faster than a million short ones) instead of a test
 * per record; only the records it hits are looked at further.
 */
import { SEP } from './pack.js';

/** Records a chunk joined from small runs holds, at least. */
export const CHUNK = 16_384;

interface Unit {
  /** Index of its first record. */
  first: number;
  count: number;
  /** The records' texts, each followed by `SEP`. */
  text: string;
  /** Offset in `text` where each record's text starts, then `text.length`. */
  starts: Uint32Array;
}

/** Search text of records `0..size-1`, in order, searchable by substring. */
export class TextIndex {
  private units: Unit[] = [];
  /** Units before this one are sealed chunks; the rest are runs waiting to be joined. */
  private sealed = 0;
  private records = 0;

  /** Records held. */
  get size(): number {
    return this.records;
  }

  /** Adds the text of the next record. */
  add(text: string): void {
    const clean = text.includes(SEP) ? text.replaceAll(SEP, ' ') : text;
    this.addRun(`${clean}${SEP}`, Uint32Array.of(0, clean.length + 1), 1);
  }

  /**
   * Adds the texts of the next `count` records: `text` and `starts` as in
   * `PackedRecords`. A run of a quarter chunk or more is searched as it is;
   * smaller ones wait to be joined with the ones after them, so copying text
   * around is kept for a trickle of records, never for a flood.
   */
  addRun(text: string, starts: Uint32Array, count: number): void {
    if (count === 0) return;
    if (count >= CHUNK / 4) this.seal();
    this.units.push({ first: this.records, count, text, starts });
    this.records += count;
    const waiting = this.records - (this.units[this.sealed]?.first ?? this.records);
    if (count >= CHUNK / 4 || waiting >= CHUNK) this.seal();
  }

  /**
   * Forgets the oldest `count` records: record `count` becomes record 0.
   * Whole units go; the one cut in two keeps its text until the rest of it goes.
   */
  evict(count: number): void {
    const k = Math.min(count, this.records);
    if (k <= 0) return;
    let gone = 0;
    while (gone < this.units.length) {
      const unit = this.units[gone] as Unit;
      if (unit.first + unit.count > k) break;
      gone++;
    }
    this.units = this.units.slice(gone);
    for (const unit of this.units) unit.first -= k;
    this.sealed = Math.max(0, this.sealed - gone);
    this.records -= k;
  }

  /** Forgets every record. */
  clear(): void {
    this.units = [];
    this.sealed = 0;
    this.records = 0;
  }

  /** The text of record `index`. */
  get(index: number): string {
    const unit = this.units[this.unitOf(index)];
    if (!unit) return '';
    const j = index - unit.first;
    return unit.text.slice(unit.starts[j], (unit.starts[j + 1] as number) - 1);
  }

  /**
   * Calls `hit` once, in ascending order, with the index of every record at
   * or after `from` whose text contains `term`.
   */
  search(term: string, from: number, hit: (index: number) => void): void {
    if (term.includes(SEP)) return;
    const start = Math.max(0, from);
    for (let u = this.unitOf(start); u < this.units.length; u++) {
      const { first, count, text, starts } = this.units[u] as Unit;
      let j = Math.max(0, start - first);
      if (j >= count) continue;
      let at = text.indexOf(term, starts[j]);
      while (at !== -1) {
        // Walk forward to the record holding the match; matches come in order, so this is linear overall.
        while ((starts[j + 1] as number) <= at) j++;
        hit(first + j);
        j++;
        if (j >= count) break;
        at = text.indexOf(term, starts[j]);
      }
    }
  }

  /**
   * Roughly how often `term` occurs: its hits among the newest few thousand
   * records. Used to search for the rarest of several terms first.
   */
  sample(term: string): number {
    const last = this.units[this.sealed > 0 ? this.sealed - 1 : this.units.length - 1];
    const text =
      this.sealed > 0 || this.units.length <= 1 ? (last?.text ?? '') : this.units.map((u) => u.text).join('');
    let hits = 0;
    for (let at = text.indexOf(term); at !== -1 && hits < 10_000; at = text.indexOf(term, at + term.length)) hits++;
    return hits;
  }

  /** Index in `units` of the unit holding record `index` (or `units.length`). */
  private unitOf(index: number): number {
    let lo = 0;
    let hi = this.units.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const unit = this.units[mid] as Unit;
      if (unit.first + unit.count <= index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Joins the runs after the last chunk into one chunk. */
  private seal(): void {
    const runs = this.units.splice(this.sealed);
    if (runs.length === 0) return;
    if (runs.length === 1) {
      this.units.push(runs[0] as Unit);
      this.sealed = this.units.length;
      return;
    }
    const first = (runs[0] as Unit).first;
    let count = 0;
    for (const run of runs) count += run.count;
    const starts = new Uint32Array(count + 1);
    let offset = 0;
    let at = 0;
    for (const run of runs) {
      for (let j = 0; j < run.count; j++) starts[at++] = offset + (run.starts[j] as number);
      offset += run.text.length;
    }
    starts[count] = offset;
    // `join` makes one flat string; the runs it came from can go.
    this.units.push({ first, count, text: runs.map((r) => r.text).join(''), starts });
    this.sealed = this.units.length;
  }
}
