import { LEVEL_NAMES, type LevelName } from '@pulselog/shared';

const LEVEL_INDEX: Record<LevelName, number> = Object.fromEntries(LEVEL_NAMES.map((l, i) => [l, i])) as Record<
  LevelName,
  number
>;

/** Records per level in one stretch of time, and where it lies. */
export interface Bucket {
  /** Start of the stretch, milliseconds since the epoch. */
  start: number;
  /** End of the stretch (exclusive). */
  end: number;
  /** Records per level, in `LEVEL_NAMES` order. */
  counts: number[];
  /** Sum of `counts`. */
  total: number;
  /** True when an error or critical record fell in it. */
  error: boolean;
}

/**
 * Record counts per second and level, kept up to date as records arrive so a
 * timeline never rescans the records. Memory grows with the session's length
 * in seconds, not with its records; seconds before the oldest record held are
 * forgotten (`forgetBefore`).
 */
export class SecondCounts {
  private readonly seconds = new Map<number, Uint32Array>();
  /** Time of the earliest record counted, or `Infinity`. */
  first = Number.POSITIVE_INFINITY;
  /** Time of the latest record counted, or `-Infinity`. */
  last = Number.NEGATIVE_INFINITY;

  /** Counts one record. */
  add(ts: number, level: LevelName): void {
    const second = Math.floor(ts / 1000);
    let counts = this.seconds.get(second);
    if (!counts) {
      counts = new Uint32Array(LEVEL_NAMES.length);
      this.seconds.set(second, counts);
    }
    counts[LEVEL_INDEX[level]] = (counts[LEVEL_INDEX[level]] ?? 0) + 1;
    if (ts < this.first) this.first = ts;
    if (ts > this.last) this.last = ts;
  }

  /**
   * Counts records `from..to-1` of a run given as columns of times and level
   * codes (`levelCode`; dividers only widen the span), looking each second
   * up once rather than once per record.
   */
  addRun(times: Float64Array, codes: Uint8Array, from: number, to: number): void {
    let current = Number.NaN;
    let counts: Uint32Array | undefined;
    for (let i = from; i < to; i++) {
      const ts = times[i] as number;
      if (ts < this.first) this.first = ts;
      if (ts > this.last) this.last = ts;
      const code = codes[i] as number;
      if (code >= LEVEL_NAMES.length) continue;
      const second = Math.floor(ts / 1000);
      if (second !== current) {
        current = second;
        counts = this.seconds.get(second);
        if (!counts) {
          counts = new Uint32Array(LEVEL_NAMES.length);
          this.seconds.set(second, counts);
        }
      }
      (counts as Uint32Array)[code] = ((counts as Uint32Array)[code] ?? 0) + 1;
    }
  }

  /** Widens the time span to include `ts` without counting a record (for dividers). */
  touch(ts: number): void {
    if (ts < this.first) this.first = ts;
    if (ts > this.last) this.last = ts;
  }

  /**
   * Forgets the seconds before `t`, the time of the oldest record still held
   * once older ones are evicted (`SessionModel`): the span starts at `t`.
   */
  forgetBefore(t: number): void {
    if (!(t > this.first)) return;
    const second = Math.floor(t / 1000);
    for (const key of this.seconds.keys()) if (key < second) this.seconds.delete(key);
    this.first = t;
  }

  /** Forgets everything. */
  clear(): void {
    this.seconds.clear();
    this.first = Number.POSITIVE_INFINITY;
    this.last = Number.NEGATIVE_INFINITY;
  }

  /** Splits `start..end` into `n` equal buckets (at least a second each) and sums the counts into them. */
  buckets(start: number, end: number, n: number): Bucket[] {
    const width = Math.max(1000, (end - start) / Math.max(1, n));
    const count = Math.max(1, Math.ceil((end - start) / width));
    const out: Bucket[] = [];
    for (let i = 0; i < count; i++) {
      out.push({
        start: start + i * width,
        end: start + (i + 1) * width,
        counts: new Array(LEVEL_NAMES.length).fill(0),
        total: 0,
        error: false,
      });
    }
    for (const [second, counts] of this.seconds) {
      const t = second * 1000;
      if (t + 1000 <= start || t > end) continue;
      const bucket = out[Math.min(count - 1, Math.max(0, Math.floor((t - start) / width)))] as Bucket;
      for (let l = 0; l < counts.length; l++) {
        const c = counts[l] ?? 0;
        bucket.counts[l] = (bucket.counts[l] ?? 0) + c;
        bucket.total += c;
      }
      if ((counts[LEVEL_INDEX.error] ?? 0) + (counts[LEVEL_INDEX.critical] ?? 0) > 0) bucket.error = true;
    }
    return out;
  }
}

/** Maps an x position on a strip of `width` pixels onto the time span `start..end`. */
export function timeAt(x: number, width: number, start: number, end: number): number {
  const ratio = width > 0 ? Math.min(1, Math.max(0, x / width)) : 0;
  return start + ratio * (end - start);
}

/** Maps a time onto an x position on a strip of `width` pixels spanning `start..end`. */
export function xAt(t: number, width: number, start: number, end: number): number {
  return end > start ? ((t - start) / (end - start)) * width : 0;
}

/** Index of the first of `ts` (ascending times) at or after `t`. */
export function lowerBound(length: number, timeOf: (i: number) => number, t: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeOf(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Records per level in `n` equal buckets of a time span, counted from the rows shown. */
export interface RowBuckets {
  start: number;
  end: number;
  /** Milliseconds per bucket. */
  width: number;
  n: number;
  /** Count of bucket `b`, level code `l` at `b * LEVEL_NAMES.length + l`. */
  counts: Uint32Array;
  /** Records per bucket, all levels. */
  totals: Uint32Array;
}

/**
 * Counts the rows shown (`rows` indices into `times` and `codes`, or every
 * record when `undefined`) into `n` buckets of `start..end`, per level;
 * dividers are left out. A pass over two flat columns: the strip follows
 * any filter, at any resolution, without keeping counts of its own.
 */
export function countRows(
  times: Float64Array,
  codes: Uint8Array,
  shown: { length: number; rows: Uint32Array | undefined },
  start: number,
  end: number,
  n: number,
): RowBuckets {
  const levels = LEVEL_NAMES.length;
  const counts = new Uint32Array(n * levels);
  const totals = new Uint32Array(n);
  const width = end > start ? (end - start) / n : 1;
  const { rows, length } = shown;
  for (let r = 0; r < length; r++) {
    const i = rows ? (rows[r] as number) : r;
    const code = codes[i] as number;
    if (code >= levels) continue;
    const t = times[i] as number;
    if (t < start || t > end) continue;
    const b = Math.min(n - 1, Math.floor((t - start) / width));
    counts[b * levels + code] = (counts[b * levels + code] as number) + 1;
    totals[b] = (totals[b] as number) + 1;
  }
  return { start, end, width, n, counts, totals };
}

/** One labelled tick of a time axis. */
export interface Tick {
  t: number;
  label: string;
}

const STEPS = [
  1, 2, 5, 10, 20, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000,
  900_000, 1_800_000, 3_600_000, 7_200_000, 21_600_000, 43_200_000, 86_400_000,
];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * Ticks at round local times across `start..end`, at most `max` of them,
 * labelled as finely as their step needs: `14:05`, `14:05:30`, `14:05:30.25`.
 */
export function timeTicks(start: number, end: number, max: number): Tick[] {
  if (!(end > start) || max < 1) return [];
  const step = STEPS.find((s) => (end - start) / s <= max) ?? 86_400_000;
  // Round in local time, so a minute tick falls on a minute of the clock shown.
  const offset = new Date(start).getTimezoneOffset() * 60_000;
  const first = Math.ceil((start - offset) / step) * step + offset;
  const ticks: Tick[] = [];
  for (let t = first; t <= end; t += step) {
    const d = new Date(t);
    let label: string;
    const clock = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    if (step < 1000) label = `${clock}.${pad(d.getMilliseconds(), 3).replace(/0+$/, '') || '0'}`;
    else if (step < 60_000) label = clock;
    else label = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    ticks.push({ t, label });
  }
  return ticks;
}

/** A bucket's width as people say it: `250 ms`, `2 s`, `5 min`. */
export function spanLabel(ms: number): string {
  if (ms < 1000) return `${Number(ms.toPrecision(2))} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toPrecision(2))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toPrecision(2))} min`;
  return `${Number((ms / 3_600_000).toPrecision(2))} h`;
}
