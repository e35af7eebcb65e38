import { LEVEL_NAMES } from '@pulselog/shared';
import { TAG_KEY } from '@pulselog/shared/query';
import { FIELD_NUMBER, FIELD_OTHER, FIELD_STRING } from './pack.js';
import type { RecordStore } from './records.js';
import type { Scalar } from './refine.js';
import { FIELD_STRINGS, SOURCE_KEY } from './strings.js';

/** One value of a field and how many of the records looked at hold it. */
export interface FacetValue {
  value: Scalar;
  count: number;
}

/** Min, median and max of a field's numbers. */
export interface NumberStats {
  /** Records holding a number in the field. */
  count: number;
  min: number;
  max: number;
  median: number;
  /** True when the median comes from an even sample of the numbers rather than all of them. */
  approximate: boolean;
}

/** What the records looked at hold in one field. */
export interface Facet {
  /** The key as the query language names it: a field, `tag` or `level`. */
  key: string;
  /** Records holding the field. */
  present: number;
  /** The most frequent values, most frequent first; empty when nearly every value is distinct. */
  top: FacetValue[];
  /** Records whose value is neither a number nor a short string (objects, long text): counted, not listed. */
  other: number;
  /** For a field holding numbers. */
  numbers?: NumberStats;
}

/** The records a facet pass looks at: rows `0..length-1`, each an index into the store. */
export interface FacetRows {
  length: number;
  /** Store index of each row; `undefined` when row `i` is record `i`. */
  rows: Uint32Array | undefined;
}

/** Values listed per field. */
const TOP = 5;
/**
 * Numbers kept for a median, at most: past it, every other one kept is
 * dropped and only every `stride`-th number is kept from then on, so the
 * sample stays evenly spread however many numbers were counted.
 */
const SAMPLE = 16_384;
/** A numeric field with more distinct values than this gets statistics but no list of values. */
const MAX_NUMBER_VALUES = 12;

/**
 * The facets of the records shown: for the level, the tag, the source and each field
 * with a column (`FieldColumns`), the top values with their counts and, for
 * numbers, min/median/max. It reads the flat columns only, never a record,
 * so a million rows take a pass of typed-array reads per field.
 */
export function computeFacets(store: RecordStore, shown: FacetRows): Facet[] {
  const counts = new FacetCounts();
  counts.count(store, shown);
  return counts.facets();
}

/**
 * Facet counts of the rows shown, kept between passes: while rows are only
 * added after the ones counted (a stream followed with no filter), a pass
 * counts the new rows alone, so a flood costs each record one count instead
 * of one per redraw of the panel. Anything else (a filter, records evicted
 * or replaced) counts every row again.
 */
export class FacetCounter {
  private counts = new FacetCounts();
  private store: RecordStore | undefined;
  private epoch = -1;

  /** The facets of `shown`, counting what is new since the last call when that is all that changed. */
  facets(store: RecordStore, shown: FacetRows): Facet[] {
    const appended =
      shown.rows === undefined &&
      store === this.store &&
      store.epoch === this.epoch &&
      shown.length >= this.counts.counted;
    if (!appended) this.counts = new FacetCounts();
    this.store = store;
    this.epoch = shown.rows === undefined ? store.epoch : -1;
    this.counts.count(store, shown);
    return this.counts.facets();
  }
}

/** Counts of every field over rows `0..counted-1`, grown by `count`. */
class FacetCounts {
  private readonly levels = new Uint32Array(LEVEL_NAMES.length + 1);
  /** Rows counted. */
  counted = 0;
  private readonly columns = new Map<string, ColumnCounts>();

  /** Counts rows `counted..shown.length-1` of each field, and every row of a field first seen now. */
  count(store: RecordStore, shown: FacetRows): void {
    const { rows, length } = shown;
    const codes = store.levelCodes;
    const levels = this.levels;
    for (let r = this.counted; r < length; r++) {
      const code = codes[rows ? (rows[r] as number) : r] as number;
      levels[code] = (levels[code] as number) + 1;
    }
    for (const key of store.fields.keys()) {
      const column = store.fields.get(key);
      if (!column) continue;
      let counts = this.columns.get(key);
      if (!counts) {
        counts = new ColumnCounts();
        this.columns.set(key, counts);
      }
      counts.add(column.kinds, column.values, shown);
    }
    this.counted = length;
  }

  /** The facets counted so far: the level first, then the tag, the source and fields in the order they first came. */
  facets(): Facet[] {
    const top = LEVEL_NAMES.map((level, code) => ({ value: level, count: this.levels[code] as number }))
      .filter((v) => v.count > 0)
      .sort((a, b) => b.count - a.count);
    const facets: Facet[] = [{ key: 'level', present: top.reduce((sum, v) => sum + v.count, 0), top, other: 0 }];
    const keys = [...this.columns.keys()];
    for (const key of [TAG_KEY, SOURCE_KEY, ...keys.filter((k) => k !== TAG_KEY && k !== SOURCE_KEY)]) {
      const counts = this.columns.get(key);
      if (!counts) continue;
      const facet = counts.facet(key === TAG_KEY ? 'tag' : key === SOURCE_KEY ? 'source' : key);
      if (facet.present > 0) facets.push(facet);
    }
    return facets;
  }
}

/** What one field holds over the rows counted. */
class ColumnCounts {
  private counted = 0;
  /** Numbers counted. */
  private n = 0;
  private other = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  /** Records holding each short string, by its number in `FIELD_STRINGS`. */
  private strings = new Uint32Array(64);
  /** String numbers counted at least once, in the order first seen. */
  private readonly seen: number[] = [];
  /** Every `stride`-th number counted, for the median. */
  private sample = new Float64Array(1024);
  private sampled = 0;
  private stride = 1;
  /** Each distinct number with its count (the first `distinctSize`), until there are too many to list. */
  private readonly distinctValues = new Float64Array(MAX_NUMBER_VALUES);
  private readonly distinctCounts = new Float64Array(MAX_NUMBER_VALUES);
  /** Distinct numbers seen, or -1 once there were too many to list. */
  private distinctSize = 0;

  add(kinds: Uint8Array, values: Float64Array, shown: FacetRows): void {
    const { rows, length } = shown;
    if (this.strings.length < FIELD_STRINGS.size) {
      const grown = new Uint32Array(FIELD_STRINGS.size * 2);
      grown.set(this.strings);
      this.strings = grown;
    }
    const strings = this.strings;
    let { n, other, min, max, stride } = this;
    for (let r = this.counted; r < length; r++) {
      const i = rows ? (rows[r] as number) : r;
      const kind = kinds[i];
      if (kind === FIELD_NUMBER) {
        const v = values[i] as number;
        const at = n++;
        if (at % stride === 0) {
          this.keep(v, at);
          stride = this.stride;
        }
        if (v < min) min = v;
        if (v > max) max = v;
        if (this.distinctSize >= 0) this.tally(v);
      } else if (kind === FIELD_STRING) {
        const id = values[i] as number;
        if (strings[id] === 0) this.seen.push(id);
        strings[id] = (strings[id] as number) + 1;
      } else if (kind === FIELD_OTHER) other++;
    }
    Object.assign(this, { n, other, min, max, counted: length });
  }

  /** Counts `v` among the distinct numbers: a few compares, cheaper than hashing it for the common few values. */
  private tally(v: number): void {
    const values = this.distinctValues;
    const size = this.distinctSize;
    for (let d = 0; d < size; d++) {
      if (values[d] === v) {
        this.distinctCounts[d] = (this.distinctCounts[d] as number) + 1;
        return;
      }
    }
    if (size === MAX_NUMBER_VALUES) {
      this.distinctSize = -1;
      return;
    }
    values[size] = v;
    this.distinctCounts[size] = 1;
    this.distinctSize = size + 1;
  }

  /** Keeps `v`, number `at` counted, in the sample, thinning it to every other number kept when it is full. */
  private keep(v: number, at: number): void {
    if (this.sampled === SAMPLE) {
      for (let k = 0; k < SAMPLE / 2; k++) this.sample[k] = this.sample[2 * k] as number;
      this.sampled = SAMPLE / 2;
      this.stride *= 2;
      // Kept numbers are now every `stride`-th one; `v` is one of them only if its place says so.
      if (at % this.stride !== 0) return;
    }
    if (this.sampled === this.sample.length) {
      const grown = new Float64Array(Math.min(SAMPLE, this.sample.length * 2));
      grown.set(this.sample);
      this.sample = grown;
    }
    this.sample[this.sampled++] = v;
  }

  facet(key: string): Facet {
    let strings = 0;
    const top: FacetValue[] = this.seen.map((id) => {
      const count = this.strings[id] as number;
      strings += count;
      return { value: FIELD_STRINGS.get(id), count };
    });
    const n = this.n;
    const facet: Facet = { key, present: n + strings + this.other, top, other: this.other };
    if (n > 0) {
      const sorted = this.sample.slice(0, this.sampled).sort();
      const median = sorted[sorted.length >> 1] as number;
      facet.numbers = { count: n, min: this.min, max: this.max, median, approximate: this.stride > 1 };
      for (let d = 0; d < this.distinctSize; d++) {
        top.push({ value: this.distinctValues[d] as number, count: this.distinctCounts[d] as number });
      }
    }
    top.sort((a, b) => b.count - a.count);
    // A field whose values are nearly all distinct (ids, messages) has no values worth listing.
    facet.top = top.length > 0 && (top[0]?.count ?? 0) > 1 ? top.slice(0, TOP) : [];
    return facet;
  }
}
