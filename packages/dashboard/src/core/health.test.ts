import type { HealthSample } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { HealthSeries, healthBuckets } from './health.js';

const sample = (at: number, cpu: number, heap = 10): HealthSample => ({
  at,
  cpu: { user: cpu, system: 1 },
  rss: 100,
  heap: { used: heap, total: 20 },
  loop: { p50: 1, p99: cpu, max: cpu },
  gc: { ms: 0, count: 0 },
  handles: 2,
});

describe('HealthSeries', () => {
  it('keeps samples in time order and skips ones it holds already', () => {
    const series = new HealthSeries();
    expect(series.add([sample(1000, 1), sample(2000, 2)])).toBe(2);
    expect(series.add([sample(1000, 1), sample(2000, 2), sample(3000, 3)])).toBe(1);
    expect(series.size).toBe(3);
    expect(series.nearest(2400, 600)?.at).toBe(2000);
    expect(series.nearest(5000, 600)).toBeUndefined();
  });

  it('fills every slice of the second a sample covers, with the highest value in it', () => {
    const series = new HealthSeries();
    series.add([sample(1000, 10), sample(2000, 50, 15), sample(3000, 20)]);
    // Ten slices of 200 ms over 0..2000.
    const b = healthBuckets(series, 0, 2000, 10);
    // 0..800 ms: only the sample at 1000 covers them.
    expect([...b.cpu.slice(0, 4)]).toEqual([11, 11, 11, 11]);
    // 1000..2000: the sample at 2000 (51%), higher than the one at 3000.
    expect(b.cpu[6]).toBe(51);
    expect(b.heap[6]).toBe(15);
    expect(b.max.cpu).toBe(100);
    expect(b.max.heap).toBe(20);
    expect(b.max.loop).toBe(50);
  });
});
