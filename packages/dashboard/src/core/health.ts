import type { HealthSample } from '@pulselog/shared';

/** Health samples the page keeps: a day at one a second. Past it the oldest tenth goes. */
export const MAX_HEALTH_SAMPLES = 86_400;

/**
 * A session's health samples in time order. They arrive one a second, or
 * all at once when a tab connects or a file is imported; a sample no newer
 * than the last one held is one already held, and is skipped.
 */
export class HealthSeries {
  private samples: HealthSample[] = [];

  /** Samples held. */
  get size(): number {
    return this.samples.length;
  }

  /** Sample `i`, oldest first. */
  at(i: number): HealthSample | undefined {
    return this.samples[i];
  }

  /** Every sample held, oldest first. */
  all(): readonly HealthSample[] {
    return this.samples;
  }

  /** Adds samples in ascending time order; returns how many were new. */
  add(samples: readonly HealthSample[]): number {
    let added = 0;
    for (const sample of samples) {
      const last = this.samples[this.samples.length - 1];
      if (last !== undefined && sample.at <= last.at) continue;
      this.samples.push(sample);
      added++;
    }
    if (this.samples.length > MAX_HEALTH_SAMPLES) this.samples = this.samples.slice(MAX_HEALTH_SAMPLES / 10);
    return added;
  }

  clear(): void {
    this.samples = [];
  }

  /** Index of the first sample at or after `t`. */
  indexAt(t: number): number {
    let lo = 0;
    let hi = this.samples.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.samples[mid] as HealthSample).at < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The sample nearest to `t` within `within` ms, if any. */
  nearest(t: number, within: number): HealthSample | undefined {
    const i = this.indexAt(t);
    let best: HealthSample | undefined;
    for (const candidate of [this.samples[i - 1], this.samples[i]]) {
      if (
        candidate &&
        Math.abs(candidate.at - t) <= within &&
        (!best || Math.abs(candidate.at - t) < Math.abs(best.at - t))
      )
        best = candidate;
    }
    return best;
  }
}

/**
 * What the health strip draws for `buckets` equal slices of `start..end`:
 * per slice the highest CPU (user plus system, percent of one core), heap
 * used, RSS and event-loop p99 of the samples in it, NaN where there is none.
 */
export interface HealthBuckets {
  n: number;
  cpu: Float64Array;
  heap: Float64Array;
  rss: Float64Array;
  loop: Float64Array;
  /** The largest value of each over the whole window, for scales. */
  max: { cpu: number; heap: number; rss: number; loop: number };
}

/** Sums the samples of `start..end` into `n` slices for the strip (see `HealthBuckets`). */
export function healthBuckets(series: HealthSeries, start: number, end: number, n: number): HealthBuckets {
  const cpu = new Float64Array(n).fill(Number.NaN);
  const heap = new Float64Array(n).fill(Number.NaN);
  const rss = new Float64Array(n).fill(Number.NaN);
  const loop = new Float64Array(n).fill(Number.NaN);
  const max = { cpu: 100, heap: 1, rss: 1, loop: 1 };
  const span = Math.max(1, end - start);
  const keep = (column: Float64Array, b: number, value: number) => {
    const old = column[b] as number;
    column[b] = Number.isNaN(old) ? value : Math.max(old, value);
  };
  const width = span / n;
  // A sample covers the second before it, so it fills every slice of that second:
  // slice b shows the samples taken from its start to a second after its end.
  let first = series.indexAt(start);
  for (let b = 0; b < n; b++) {
    const from = start + b * width;
    const to = from + width + 1000;
    while (first < series.size && (series.at(first) as HealthSample).at < from) first++;
    for (let i = first; i < series.size; i++) {
      const s = series.at(i) as HealthSample;
      if (s.at >= to) break;
      const load = s.cpu.user + s.cpu.system;
      keep(cpu, b, load);
      keep(heap, b, s.heap.used);
      keep(rss, b, s.rss);
      keep(loop, b, s.loop.p99);
      max.cpu = Math.max(max.cpu, load);
      max.heap = Math.max(max.heap, s.heap.total);
      max.rss = Math.max(max.rss, s.rss);
      max.loop = Math.max(max.loop, s.loop.p99);
    }
  }
  return { n, cpu, heap, rss, loop, max };
}
