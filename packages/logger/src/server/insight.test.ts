import type { HealthSample, ProfileMessage } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { InsightShelf, KEPT_HEALTH_SAMPLES, KEPT_PROFILE_BYTES } from './insight.js';

const sample = (at: number): HealthSample => ({
  at,
  cpu: { user: 1, system: 0 },
  rss: 1,
  heap: { used: 1, total: 1 },
  loop: { p50: 0, p99: 0, max: 0 },
  gc: { ms: 0, count: 0 },
  handles: 1,
});

describe('InsightShelf', () => {
  it('keeps the newest health samples and sends them in order, health before the profile', () => {
    const shelf = new InsightShelf();
    for (let i = 1; i <= KEPT_HEALTH_SAMPLES + 5000; i++) shelf.addHealth([sample(i)]);
    const profile: ProfileMessage = { type: 'profile', intervalUs: 1000, frames: [], stacks: [], samples: [] };
    shelf.addProfile(JSON.stringify(profile), profile);
    const messages = shelf.messages().map((text) => JSON.parse(text));
    const health = messages.filter((m) => m.type === 'health').flatMap((m) => m.samples as HealthSample[]);
    expect(health.length).toBeLessThanOrEqual(KEPT_HEALTH_SAMPLES * 1.1);
    expect(health.at(-1)?.at).toBe(KEPT_HEALTH_SAMPLES + 5000);
    expect(health.every((s, i) => i === 0 || s.at === (health[i - 1] as HealthSample).at + 1)).toBe(true);
    expect(messages.at(-1).type).toBe('profile');
  });

  it('drops old profile samples past its bound, never the frames and stacks later chunks refer to', () => {
    const shelf = new InsightShelf();
    const samples = Array.from({ length: 300_000 }, (_, i) => i);
    const chunks = 2 + Math.ceil(KEPT_PROFILE_BYTES / JSON.stringify(samples).length);
    for (let c = 0; c < chunks; c++) {
      const message: ProfileMessage = {
        type: 'profile',
        intervalUs: 1000,
        frames: [{ id: c, name: `f${c}`, url: '', line: 0, column: 0 }],
        stacks: [c, -1, c],
        samples,
      };
      shelf.addProfile(JSON.stringify(message), message);
    }
    const kept = shelf.messages().map((text) => JSON.parse(text) as ProfileMessage);
    expect(kept.length).toBe(chunks);
    expect(kept.map((m) => m.frames[0]?.name)).toEqual(Array.from({ length: chunks }, (_, c) => `f${c}`));
    expect(kept[0]?.samples).toEqual([]);
    expect(kept.at(-1)?.samples.length).toBe(samples.length);
    expect(shelf.messages().reduce((n, t) => n + t.length, 0)).toBeLessThanOrEqual(KEPT_PROFILE_BYTES);
  });
});
