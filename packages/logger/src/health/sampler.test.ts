import { isHealthSample } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { HealthSampler, healthLine } from './sampler.js';

function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

describe('HealthSampler', () => {
  it('measures the CPU a busy stretch took, the loop it held up, and the heap, in one sample', async () => {
    const sampler = new HealthSampler(() => {});
    sampler.start();
    try {
      await new Promise((resolve) => setTimeout(resolve, 50));
      spin(200);
      // Let the loop's monitor see the stretch end.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const sample = sampler.sample();
      expect(isHealthSample(sample)).toBe(true);
      // A loaded machine may give the stretch less than all of a core; it still shows.
      expect(sample.cpu.user + sample.cpu.system).toBeGreaterThan(5);
      expect(sample.loop.max).toBeGreaterThan(150);
      expect(sample.heap.used).toBeGreaterThan(0);
      expect(sample.heap.total).toBeGreaterThanOrEqual(sample.heap.used);
      expect(sample.rss).toBeGreaterThan(sample.heap.used);
      expect(sample.handles).toBeGreaterThan(0);
      // The next sample covers only the time since: an idle stretch.
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sampler.sample().loop.max).toBeLessThan(150);
    } finally {
      sampler.stop();
    }
  });

  it('counts garbage collections and the time they took', async () => {
    const sampler = new HealthSampler(() => {});
    sampler.start();
    try {
      let keep: unknown[] = [];
      for (let i = 0; i < 2_000_000; i++) {
        keep.push({ i });
        if (keep.length > 100_000) keep = [];
      }
      // GC entries reach the observer after the work that caused them.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const sample = sampler.sample();
      expect(sample.gc.count).toBeGreaterThan(0);
      expect(sample.gc.ms).toBeGreaterThan(0);
    } finally {
      sampler.stop();
    }
  });

  it('emits a sample a second once started, as a health line', async () => {
    const lines: string[] = [];
    const sampler = new HealthSampler((sample) => lines.push(healthLine(sample)));
    sampler.start();
    await expect.poll(() => lines.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    sampler.stop();
    const [a, b] = lines.map((line) => JSON.parse(line).samples[0].at as number);
    expect((b as number) - (a as number)).toBeGreaterThanOrEqual(900);
    for (const line of lines) {
      expect(line.endsWith('\n')).toBe(true);
      const message = JSON.parse(line);
      expect(message.type).toBe('health');
      expect(isHealthSample(message.samples[0])).toBe(true);
    }
  });
});
