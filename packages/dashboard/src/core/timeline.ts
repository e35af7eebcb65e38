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
 * in seconds, not with its records.
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
