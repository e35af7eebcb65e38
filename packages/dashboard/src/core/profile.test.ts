import type { ProfileMessage } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { flameLayout, frameName, frameWhere, ProfileStore } from './profile.js';

const frames = [
  { id: 0, name: '(root)', url: '', line: 0, column: 0 },
  { id: 1, name: 'main', url: 'file:///app/job.js', line: 10, column: 5 },
  { id: 2, name: 'hot', url: 'file:///app/job.js', line: 20, column: 5 },
  { id: 3, name: '', url: 'file:///app/job.js', line: 30, column: 5 },
];
// Stacks: root, root>main, root>main>hot, root>main>anonymous.
const first: ProfileMessage = {
  type: 'profile',
  intervalUs: 10_000,
  frames,
  stacks: [0, -1, 0, 1, 0, 1, 2, 1, 2, 3, 1, 3],
  samples: [1000, 2, 30_000, 1000, 3, 10_000, 1100, 1, 5000, 2000, 2, 50_000],
};

describe('ProfileStore', () => {
  it('builds the flame graph of a time range, self and total per function by caller', () => {
    const store = new ProfileStore();
    expect(store.add(first)).toBe(true);
    const all = store.flame(0, 5000);
    expect(all.total).toBe(95_000);
    const main = all.children[0]?.children[0];
    expect(frameName(store.frames[main?.frame ?? -1])).toBe('main');
    expect(main?.self).toBe(5000);
    expect(main?.total).toBe(95_000);
    // Children by time, largest first.
    expect(main?.children.map((c) => [frameName(store.frames[c.frame]), c.total])).toEqual([
      ['hot', 80_000],
      ['(anonymous)', 10_000],
    ]);
    // Only the first second: the sample at 2000 is out.
    expect(store.flame(1000, 1999).total).toBe(45_000);
    expect(store.flame(1100, 1199).total).toBe(5000);
  });

  it('skips a chunk a reconnecting tab gets again, and keeps frames of chunks without samples', () => {
    const store = new ProfileStore();
    store.add(first);
    expect(store.add(first)).toBe(false);
    expect(store.flame(0, 5000).total).toBe(95_000);
    const later: ProfileMessage = { ...first, frames: [], stacks: [], samples: [3000, 3, 7000] };
    expect(store.add(later)).toBe(true);
    expect(store.flame(0, 5000).total).toBe(102_000);
    expect(store.span()).toEqual({ first: 1000, last: 3100 });
    // An export of it reads back the same.
    const again = new ProfileStore();
    again.add(store.toMessage());
    expect(again.flame(0, 5000)).toEqual(store.flame(0, 5000));
  });

  it('lays frames out by their share of the time, leaving out those too thin to see', () => {
    const store = new ProfileStore();
    store.add(first);
    const rects = flameLayout(store.flame(0, 5000), 950, 50);
    const hot = rects.find((r) => r.node.frame === 2);
    expect(hot).toMatchObject({ x: 0, width: 800, depth: 3 });
    // The anonymous function's 100 px pass; main's own 50 px are not a box of their own.
    expect(rects.find((r) => r.node.frame === 3)).toMatchObject({ x: 800, width: 100, depth: 3 });
    expect(rects.length).toBe(5);
    expect(frameWhere(store.frames[2])).toBe('/app/job.js:20');
    expect(frameWhere(store.frames[0])).toBe('');
  });
});
