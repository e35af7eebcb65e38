import { LEVEL_NAMES } from '@pulselog/shared';
import { TAG_KEY } from '@pulselog/shared/query';
import { FIELD_NUMBER, FIELD_OTHER, FIELD_STRING } from './pack.js';
import type { RecordStore } from './records.js';
import type { Scalar } from './refine.js';
import { FIELD_STRINGS } from './strings.js';

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
/** Numbers looked at for a median, at most: more are sampled evenly. */
const SAMPLE = 65_536;
/** A numeric field with more distinct values than this gets statistics but no list of values. */
const MAX_NUMBER_VALUES = 12;

/**
 * The facets of the records shown: for the level, the tag and each field
 * with a column (`FieldColumns`), the top values with their counts and, for
 * numbers, min/median/max. It reads the flat columns only, never a record,
 * so a million rows take a pass of typed-array reads per field.
 */
export function computeFacets(store: RecordStore, shown: FacetRows): Facet[] {
  const facets: Facet[] = [levelFacet(store, shown)];
  const scratch = new Scratch(shown.length);
  const keys = store.fields.keys();
  // The tag first, then fields in the order they first came.
  for (const key of [TAG_KEY, ...keys.filter((k) => k !== TAG_KEY)]) {
    const column = store.fields.get(key);
    if (!column) continue;
    const facet = columnFacet(key === TAG_KEY ? 'tag' : key, column.kinds, column.values, shown, scratch);
    if (facet.present > 0) facets.push(facet);
  }
  return facets;
}

/** Buffers shared by the fields of one pass. */
class Scratch {
  /** Every `stride`-th number of a field, for its median. */
  readonly sample: Float64Array;
  readonly stride: number;
  counts = new Uint32Array(1024);
  constructor(length: number) {
    this.stride = Math.max(1, Math.ceil(length / SAMPLE));
    this.sample = new Float64Array(Math.ceil(length / this.stride) + 1);
  }
}

function levelFacet(store: RecordStore, shown: FacetRows): Facet {
  const perCode = new Uint32Array(LEVEL_NAMES.length + 1);
  const codes = store.levelCodes;
  const { rows, length } = shown;
  for (let r = 0; r < length; r++) {
    const code = codes[rows ? (rows[r] as number) : r] as number;
    perCode[code] = (perCode[code] as number) + 1;
  }
  const top = LEVEL_NAMES.map((level, code) => ({ value: level, count: perCode[code] as number }))
    .filter((v) => v.count > 0)
    .sort((a, b) => b.count - a.count);
  return { key: 'level', present: top.reduce((sum, v) => sum + v.count, 0), top, other: 0 };
}

function columnFacet(key: string, kinds: Uint8Array, values: Float64Array, shown: FacetRows, scratch: Scratch): Facet {
  const { rows, length } = shown;
  if (scratch.counts.length < FIELD_STRINGS.size) scratch.counts = new Uint32Array(FIELD_STRINGS.size * 2);
  const counts = scratch.counts;
  const { sample, stride } = scratch;
  const touched: number[] = [];
  let n = 0;
  let sampled = 0;
  let other = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < length; r++) {
    const i = rows ? (rows[r] as number) : r;
    const kind = kinds[i];
    if (kind === FIELD_NUMBER) {
      const v = values[i] as number;
      if (n++ % stride === 0) sample[sampled++] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    } else if (kind === FIELD_STRING) {
      const id = values[i] as number;
      if (counts[id] === 0) touched.push(id);
      counts[id] = (counts[id] as number) + 1;
    } else if (kind === FIELD_OTHER) other++;
  }
  let strings = 0;
  const top: FacetValue[] = touched.map((id) => {
    const count = counts[id] as number;
    counts[id] = 0;
    strings += count;
    return { value: FIELD_STRINGS.get(id), count };
  });
  const facet: Facet = { key, present: n + strings + other, top, other };
  if (n > 0) {
    const sorted = sample.slice(0, sampled).sort();
    const median = sorted[sorted.length >> 1] as number;
    facet.numbers = { count: n, min, max, median, approximate: stride > 1 };
    const distinct = fewValues(sorted, kinds, values, shown, n);
    if (distinct) for (const [value, count] of distinct) top.push({ value, count });
  }
  top.sort((a, b) => b.count - a.count);
  // A field whose values are nearly all distinct (ids, messages) has no values worth listing.
  facet.top = top.length > 0 && (top[0]?.count ?? 0) > 1 ? top.slice(0, TOP) : [];
  return facet;
}

/**
 * Each distinct number of a field with its count, when a sorted sample of
 * them holds only a few (status codes, epochs) and every number is one of
 * those; counted exactly in a second pass over the column.
 */
function fewValues(
  sorted: Float64Array,
  kinds: Uint8Array,
  values: Float64Array,
  shown: FacetRows,
  n: number,
): Map<number, number> | undefined {
  const candidates: number[] = [];
  for (let k = 0; k < sorted.length && candidates.length <= MAX_NUMBER_VALUES; k++) {
    if (k === 0 || sorted[k] !== sorted[k - 1]) candidates.push(sorted[k] as number);
  }
  if (candidates.length > MAX_NUMBER_VALUES) return undefined;
  const tally = new Float64Array(candidates.length);
  const { rows, length } = shown;
  let listed = 0;
  for (let r = 0; r < length; r++) {
    const i = rows ? (rows[r] as number) : r;
    if (kinds[i] !== FIELD_NUMBER) continue;
    const v = values[i] as number;
    let c = 0;
    while (c < candidates.length && candidates[c] !== v) c++;
    if (c === candidates.length) return undefined;
    tally[c] = (tally[c] as number) + 1;
    listed++;
  }
  return listed === n ? new Map(candidates.map((v, c) => [v, tally[c] as number])) : undefined;
}
