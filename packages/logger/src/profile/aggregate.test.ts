import { describe, expect, it } from 'vitest';
import { ChunkAggregator, type CpuProfile } from './aggregate.js';
import { ProfileRecording } from './recording.js';

const frame = (functionName: string, lineNumber = -1) => ({
  functionName,
  scriptId: '1',
  url: functionName.startsWith('(') ? '' : 'file:///app/job.js',
  lineNumber,
  columnNumber: lineNumber < 0 ? -1 : 4,
});

/** root → main → (hot, cold); samples every 10 ms from t = 1,000,000 µs. */
function chunk(samples: number[], startTime = 1_000_000): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2] },
      { id: 2, callFrame: frame('main', 9), children: [3, 4] },
      { id: 3, callFrame: frame('hot', 19) },
      { id: 4, callFrame: frame('cold', 29) },
    ],
    startTime,
    endTime: startTime + (samples.length + 1) * 10_000,
    samples,
    timeDeltas: samples.map(() => 10_000),
  };
}

describe('ChunkAggregator', () => {
  it('names each frame and stack once per session and sums samples per stack and tenth of a second', () => {
    const aggregator = new ChunkAggregator(10_000);
    // Offset puts the chunk's start at 10,000 ms since the epoch (1,000,000 µs = 1,000 ms).
    const first = aggregator.add(chunk([3, 3, 3, 4, 3]), 9000);
    expect(first.frames.map((f) => [f.name, f.line, f.column])).toEqual([
      ['(root)', 0, 0],
      ['main', 10, 5],
      ['hot', 20, 5],
      ['cold', 30, 5],
    ]);
    // Stacks: [id, parent, frame], a path from the root.
    expect(first.stacks).toEqual([0, -1, 0, 1, 0, 1, 2, 1, 2, 3, 1, 3]);
    expect(first.samples).toEqual([10_000, 2, 40_000, 10_000, 3, 10_000]);
    const second = aggregator.add(chunk([4, 4], 1_200_000), 9000);
    expect(second.frames).toEqual([]);
    expect(second.stacks).toEqual([]);
    expect(second.samples).toEqual([10_200, 3, 20_000]);
  });
});

describe('ProfileRecording', () => {
  it('writes a .cpuprofile whose self times are the summed samples', () => {
    const aggregator = new ChunkAggregator(10_000);
    const recording = new ProfileRecording();
    recording.add(aggregator.add(chunk([3, 3, 3, 4, 3, 3]), 9000));
    recording.add(aggregator.add(chunk([4, 3], 1_300_000), 9000));
    const profile = recording.toCpuProfile();
    expect(profile.nodes.map((n) => [n.id, n.callFrame.functionName, n.children])).toEqual([
      [1, '(root)', [2]],
      [2, 'main', [3, 4]],
      [3, 'hot', []],
      [4, 'cold', []],
    ]);
    const times: number[] = [];
    (profile.timeDeltas ?? []).forEach((delta, i) => {
      times.push((i === 0 ? profile.startTime : (times[i - 1] as number)) + delta);
    });
    const self = new Map<number, number>();
    (profile.samples ?? []).forEach((node, i) => {
      const next = i + 1 < times.length ? (times[i + 1] as number) : profile.endTime;
      self.set(node, (self.get(node) ?? 0) + next - (times[i] as number));
    });
    // hot: 5 samples of 10 ms in the first chunk and 1 in the second; cold: 1 and 1; the time between, the root's.
    expect(self.get(3)).toBe(60_000);
    expect(self.get(4)).toBe(20_000);
    expect(self.get(1)).toBeGreaterThan(0);
    expect(profile.nodes[0]?.callFrame.lineNumber).toBe(-1);
    expect(profile.nodes[1]?.callFrame.lineNumber).toBe(9);
  });
});
