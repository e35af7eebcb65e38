import { LEVEL_NAMES } from '@pulselog/shared';
import { TAG_KEY } from '@pulselog/shared/query';
import type { FacetRows } from './facets.js';
import { FIELD_NUMBER, FIELD_STRING } from './pack.js';
import type { RecordStore } from './records.js';
import { FIELD_STRINGS } from './strings.js';

/** How records are split into series besides by field. */
export type SplitBy = 'none' | 'tag' | 'level';

/** What a chart plots: numeric fields against time or against another numeric field. */
export interface ChartSpec {
  /** The numeric fields plotted, one series each (times the split). */
  fields: string[];
  /** `time`, or the numeric field on the horizontal axis (`step`). */
  x: string;
  /** One series per tag or per level, for each field. */
  by: SplitBy;
}

/** Quantiles of one series' values (exact up to a sample of `SAMPLE` values). */
export interface SeriesStats {
  count: number;
  min: number;
  max: number;
  p50: number;
  p95: number;
}

/** One line of a chart. */
export interface ChartSeries {
  /** `field`, or `field · group` when split. */
  label: string;
  field: string;
  /** The tag or level of a split series. */
  group?: string;
  /** One value per entry of `ChartData.xs`, `null` where the series has none. */
  ys: (number | null)[];
  /** The store index of the record behind each value, -1 where none. */
  records: Int32Array;
  stats: SeriesStats;
}

/** A chart ready to draw: shared x values and the series. */
export interface ChartData {
  /** Two entries per pixel column that holds data: each column's first and second extreme. */
  xs: number[];
  series: ChartSeries[];
  /** The x span of the points looked at; `undefined` when there are none. */
  span: [number, number] | undefined;
}

/** Most series on one chart: a split by a tag with hundreds of values draws the first ones. */
export const MAX_SERIES = 12;
const SAMPLE = 65_536;

/** The spec of no chart. */
export const NO_CHART: ChartSpec = Object.freeze({ fields: [], x: 'time', by: 'none' as SplitBy });

/** Per series, per pixel column: the smallest and largest value and the records holding them. */
class Bins {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly minAt: Int32Array;
  readonly maxAt: Int32Array;
  /** Every `stride`-th value, for the quantiles. */
  private readonly sample: Float64Array;
  private sampled = 0;
  count = 0;
  lo = Number.POSITIVE_INFINITY;
  hi = Number.NEGATIVE_INFINITY;

  constructor(
    columns: number,
    /** Values at most that the series can hold: the rows looked at. */
    capacity: number,
    readonly field: string,
    readonly group: string | undefined,
    private readonly stride = Math.max(1, Math.ceil(capacity / SAMPLE)),
  ) {
    this.min = new Float64Array(columns).fill(Number.POSITIVE_INFINITY);
    this.max = new Float64Array(columns).fill(Number.NEGATIVE_INFINITY);
    this.minAt = new Int32Array(columns).fill(-1);
    this.maxAt = new Int32Array(columns).fill(-1);
    this.sample = new Float64Array(Math.ceil(capacity / stride) + 1);
  }

  add(column: number, value: number, record: number): void {
    if (value < (this.min[column] as number)) {
      this.min[column] = value;
      this.minAt[column] = record;
    }
    if (value > (this.max[column] as number)) {
      this.max[column] = value;
      this.maxAt[column] = record;
    }
    if (this.count++ % this.stride === 0) this.sample[this.sampled++] = value;
    if (value < this.lo) this.lo = value;
    if (value > this.hi) this.hi = value;
  }

  stats(): SeriesStats {
    const sample = this.sample.slice(0, this.sampled).sort();
    const at = (q: number) => sample[Math.min(sample.length - 1, Math.floor(q * sample.length))] as number;
    return { count: this.count, min: this.lo, max: this.hi, p50: at(0.5), p95: at(0.95) };
  }
}

/**
 * Builds a chart of the rows shown, decimated to `columns` pixel columns:
 * each column keeps the smallest and the largest value of each series (in
 * the order they came), so a million records draw as at most two points per
 * pixel and no spike is lost. `range` narrows the x axis (a zoom). Reads the
 * store's columns only, never a record.
 */
export function buildChart(
  store: RecordStore,
  shown: FacetRows,
  spec: ChartSpec,
  columns: number,
  range?: [number, number],
): ChartData {
  const fields = spec.fields
    .map((key) => ({ key, column: store.fields.get(key) }))
    .filter((f): f is { key: string; column: NonNullable<typeof f.column> } => f.column !== undefined);
  const empty: ChartData = { xs: [], series: [], span: undefined };
  if (fields.length === 0 || columns < 1) return empty;
  const { rows, length } = shown;
  const xColumn = spec.x === 'time' ? undefined : store.fields.get(spec.x);
  if (spec.x !== 'time' && !xColumn) return empty;
  // The x of each record: its time, or the number in the x field's column.
  const xValues = xColumn ? xColumn.values : store.times;
  const xKinds = xColumn?.kinds;

  let x0 = range?.[0] ?? Number.POSITIVE_INFINITY;
  let x1 = range?.[1] ?? Number.NEGATIVE_INFINITY;
  if (!range) {
    for (let r = 0; r < length; r++) {
      const i = rows ? (rows[r] as number) : r;
      if (xKinds && xKinds[i] !== FIELD_NUMBER) continue;
      const x = xValues[i] as number;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
  }
  if (!(x1 >= x0)) return empty;
  const width = x1 > x0 ? (x1 - x0) / columns : 1;

  const tags = store.fields.get(TAG_KEY);
  const codes = store.levelCodes;
  const bins = new Map<string, Bins>();
  const binsFor = (field: string, group: string | undefined): Bins | undefined => {
    const key = group === undefined ? field : `${field}\u0000${group}`;
    let found = bins.get(key);
    if (!found && bins.size < MAX_SERIES) {
      found = new Bins(columns, length, field, group);
      bins.set(key, found);
    }
    return found;
  };
  const split = spec.by !== 'none';
  // Unsplit, one series per field, found by position; split, groups are looked up by their
  // number (a tag's string id, a level code) rather than by name per record.
  const direct = fields.map((f) => (split ? undefined : binsFor(f.key, undefined)));
  const byGroup = fields.map(() => new Map<number, Bins | undefined>());
  const kinds = fields.map((f) => f.column.kinds);
  const values = fields.map((f) => f.column.values);
  for (let r = 0; r < length; r++) {
    const i = rows ? (rows[r] as number) : r;
    if (xKinds && xKinds[i] !== FIELD_NUMBER) continue;
    const x = xValues[i] as number;
    if (!(x >= x0 && x <= x1)) continue;
    const column = Math.min(columns - 1, Math.floor((x - x0) / width));
    let group = -1;
    if (spec.by === 'tag') group = tags && tags.kinds[i] === FIELD_STRING ? (tags.values[i] as number) : -1;
    else if (spec.by === 'level') group = codes[i] as number;
    for (let f = 0; f < fields.length; f++) {
      if ((kinds[f] as Uint8Array)[i] !== FIELD_NUMBER) continue;
      let target = direct[f];
      if (split) {
        const groups = byGroup[f] as Map<number, Bins | undefined>;
        target = groups.get(group);
        if (!groups.has(group)) {
          target = binsFor((fields[f] as (typeof fields)[number]).key, groupName(spec.by, group));
          groups.set(group, target);
        }
      }
      target?.add(column, (values[f] as Float64Array)[i] as number, i);
    }
  }
  // A field without a number among the rows draws no series.
  const drawn = [...bins.values()].filter((b) => b.count > 0);
  return assemble(drawn, columns, x0, width, [x0, x1]);
}

function groupName(by: SplitBy, group: number): string | undefined {
  if (by === 'none') return undefined;
  if (group < 0) return by === 'tag' ? '(no tag)' : undefined;
  return by === 'tag' ? FIELD_STRINGS.get(group) : LEVEL_NAMES[group];
}

function assemble(all: Bins[], columns: number, x0: number, width: number, span: [number, number]): ChartData {
  const used: number[] = [];
  for (let c = 0; c < columns; c++) if (all.some((b) => (b.minAt[c] as number) >= 0)) used.push(c);
  const xs: number[] = [];
  for (const c of used) {
    const x = x0 + (c + 0.5) * width;
    xs.push(x, x);
  }
  const series = all.map((b): ChartSeries => {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    const records = new Int32Array(xs.length).fill(-1);
    used.forEach((c, k) => {
      const lowAt = b.minAt[c] as number;
      if (lowAt < 0) return;
      const highAt = b.maxAt[c] as number;
      // In the order they came, so the line runs through the column as the values did.
      const lowFirst = lowAt <= highAt;
      ys[2 * k] = lowFirst ? (b.min[c] as number) : (b.max[c] as number);
      ys[2 * k + 1] = lowFirst ? (b.max[c] as number) : (b.min[c] as number);
      records[2 * k] = lowFirst ? lowAt : highAt;
      records[2 * k + 1] = lowFirst ? highAt : lowAt;
    });
    const label = b.group === undefined ? b.field : `${b.field} · ${b.group}`;
    return {
      label,
      field: b.field,
      ...(b.group === undefined ? {} : { group: b.group }),
      ys,
      records,
      stats: b.stats(),
    };
  });
  return { xs, series, span };
}

/** Writes a chart spec into URL search parameters (`chart`, `chartx`, `chartby`), leaving out what is default. */
export function chartToParams(spec: ChartSpec, params: URLSearchParams): URLSearchParams {
  for (const key of ['chart', 'chartx', 'chartby']) params.delete(key);
  if (spec.fields.length === 0) return params;
  params.set('chart', spec.fields.join(','));
  if (spec.x !== 'time') params.set('chartx', spec.x);
  if (spec.by !== 'none') params.set('chartby', spec.by);
  return params;
}

/** Reads a chart spec back from URL search parameters. */
export function chartFromParams(params: URLSearchParams): ChartSpec {
  const fields = (params.get('chart') ?? '').split(',').filter((f) => f !== '');
  const by = params.get('chartby');
  return {
    fields: [...new Set(fields)],
    x: params.get('chartx') || 'time',
    by: by === 'tag' || by === 'level' ? by : 'none',
  };
}

/**
 * A time range moved by a wheel over a chart: panned by `fraction` of its
 * width (`zoom` 1), or zoomed by `zoom` around `at`, kept within `bounds`
 * (the session's span) and at least 10 ms wide.
 */
export function wheelRange(
  range: [number, number],
  bounds: [number, number],
  at: number,
  fraction: number,
  zoom = 1,
): [number, number] {
  const [lo, hi] = bounds;
  let [from, to] = range;
  if (zoom !== 1) {
    const width = Math.max(10, (to - from) * zoom);
    const ratio = to > from ? (at - from) / (to - from) : 0.5;
    from = at - ratio * width;
    to = from + width;
  } else {
    const shift = (to - from) * fraction;
    from += shift;
    to += shift;
  }
  const width = Math.min(to - from, hi - lo);
  if (from < lo) [from, to] = [lo, lo + width];
  if (to > hi) [from, to] = [hi - width, hi];
  return [Math.floor(from), Math.ceil(to)];
}
