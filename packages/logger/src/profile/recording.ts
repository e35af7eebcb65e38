import type { ProfileFrame, ProfileMessage } from '@pulselog/shared';
import type { CpuProfile, CpuProfileNode } from './aggregate.js';

/**
 * Summed samples kept for the `.cpuprofile`, at most. A busy program with
 * varied stacks makes about a hundred a second at the default interval: some
 * three hours; an idle one, far longer. Past it the oldest quarter goes.
 */
export const MAX_KEPT_SAMPLES = 1_000_000;

/**
 * The whole profile of a session, built from its `ProfileMessage`s, bounded
 * (`MAX_KEPT_SAMPLES`), and written out as a `.cpuprofile`: the format Chrome
 * DevTools, VS Code and speedscope open.
 */
export class ProfileRecording {
  private readonly frames: ProfileFrame[] = [];
  /** Per stack id: its parent stack and its frame. */
  private readonly parents: number[] = [];
  private readonly frameOf: number[] = [];
  private samples: number[] = [];
  private intervalUs = 0;
  /** Summed samples dropped for the bound. */
  dropped = 0;

  /** Adds a chunk. */
  add(message: ProfileMessage): void {
    this.intervalUs = message.intervalUs;
    for (const frame of message.frames) this.frames[frame.id] = frame;
    const stacks = message.stacks;
    for (let i = 0; i < stacks.length; i += 3) {
      const id = stacks[i] as number;
      this.parents[id] = stacks[i + 1] as number;
      this.frameOf[id] = stacks[i + 2] as number;
    }
    for (const value of message.samples) this.samples.push(value);
    if (this.samples.length > 3 * MAX_KEPT_SAMPLES) {
      const cut = 3 * Math.floor(MAX_KEPT_SAMPLES / 4);
      this.dropped += cut / 3;
      this.samples = this.samples.slice(cut);
    }
  }

  /** True once any sample was added. */
  get hasSamples(): boolean {
    return this.samples.length > 0;
  }

  /**
   * The `.cpuprofile`: a node per stack, and a sample per summed entry whose
   * time delta to the next is the time it stands for (time between chunks
   * goes to a sample of the root), so a reader's self and total times match
   * the sums.
   */
  toCpuProfile(): CpuProfile {
    const nodes: CpuProfileNode[] = this.parents.map((_, id) => {
      const frame = this.frames[this.frameOf[id] as number] as ProfileFrame;
      return {
        id: id + 1,
        callFrame: {
          functionName: frame.name,
          scriptId: '0',
          url: frame.url,
          lineNumber: frame.line - 1,
          columnNumber: frame.column - 1,
        },
        hitCount: 0,
        children: [],
      };
    });
    this.parents.forEach((parent, id) => {
      if (parent >= 0) nodes[parent]?.children?.push(id + 1);
    });
    const order: number[] = [];
    for (let i = 0; i < this.samples.length; i += 3) order.push(i);
    // Chunks arrive in time order, but one chunk lists its entries per stack first seen: sort by bucket.
    order.sort((a, b) => (this.samples[a] as number) - (this.samples[b] as number) || a - b);
    const samples: number[] = [];
    const timeDeltas: number[] = [];
    const interval = Math.max(1, this.intervalUs);
    let previous = 0;
    let previousUs = 0;
    // Time no chunk covers (between two, or an empty bucket) goes to the root, not to the sample before it.
    const rootNode = this.parents.indexOf(-1) + 1;
    for (const i of order) {
      const atUs = (this.samples[i] as number) * 1000;
      const stack = this.samples[i + 1] as number;
      const us = this.samples[i + 2] as number;
      // A reader gives each sample the time until the next one: so the next starts once this one's time is spent.
      let t = atUs;
      if (samples.length > 0) {
        const free = previous + previousUs;
        if (atUs > free && rootNode > 0) {
          timeDeltas.push(free - previous);
          samples.push(rootNode);
          previous = free;
        }
        t = Math.max(atUs, free);
      }
      timeDeltas.push(samples.length === 0 ? 0 : t - previous);
      samples.push(stack + 1);
      const node = nodes[stack];
      if (node) node.hitCount = (node.hitCount ?? 0) + Math.max(1, Math.round(us / interval));
      previous = t;
      previousUs = us;
    }
    const startTime = samples.length > 0 ? (this.samples[order[0] as number] as number) * 1000 : 0;
    return { nodes, startTime, endTime: previous + previousUs, samples, timeDeltas };
  }
}
