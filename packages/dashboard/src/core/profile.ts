import type { ProfileFrame, ProfileMessage } from '@pulselog/shared';

/** Summed samples the page keeps; past it the oldest quarter goes (frames and stacks always stay). */
export const MAX_PROFILE_SAMPLES = 1_500_000;

/** A function in a flame graph: its time in a range, alone (`self`) and with what it called (`total`), microseconds. */
export interface FlameNode {
  /** Frame id, or -1 for the root that holds everything. */
  frame: number;
  self: number;
  total: number;
  children: FlameNode[];
}

/**
 * The continuous profiler's output as the page holds it: every frame and
 * stack of the session (ids as the logger gave them) and the summed samples
 * `[at, stack, us]` in time order, from which a flame graph of any time range
 * is built.
 */
export class ProfileStore {
  frames: ProfileFrame[] = [];
  private parents: number[] = [];
  private frameOf: number[] = [];
  private ats: number[] = [];
  private stacks: number[] = [];
  private times: number[] = [];
  /** Sampling interval of the logger's profiler, microseconds; 0 before any chunk. */
  intervalUs = 0;

  /** Summed samples held. */
  get size(): number {
    return this.ats.length;
  }

  /** Time of the oldest and newest samples held, milliseconds since the epoch. */
  span(): { first: number; last: number } | undefined {
    if (this.ats.length === 0) return undefined;
    return { first: this.ats[0] as number, last: (this.ats[this.ats.length - 1] as number) + 100 };
  }

  /**
   * Adds a chunk; false when it held nothing new. A chunk all older than the
   * samples held is one a reconnecting tab already has: its samples are skipped.
   */
  add(message: ProfileMessage): boolean {
    this.intervalUs = message.intervalUs;
    for (const frame of message.frames) this.frames[frame.id] = frame;
    const stacks = message.stacks;
    for (let i = 0; i < stacks.length; i += 3) {
      this.parents[stacks[i] as number] = stacks[i + 1] as number;
      this.frameOf[stacks[i] as number] = stacks[i + 2] as number;
    }
    const samples = message.samples;
    if (samples.length === 0) return message.frames.length > 0;
    const last = this.ats.length > 0 ? (this.ats[this.ats.length - 1] as number) : Number.NEGATIVE_INFINITY;
    let newest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < samples.length; i += 3) newest = Math.max(newest, samples[i] as number);
    if (newest <= last) return false;
    // A chunk lists its entries per stack first seen: put them in time order.
    const order: number[] = [];
    for (let i = 0; i < samples.length; i += 3) order.push(i);
    order.sort((a, b) => (samples[a] as number) - (samples[b] as number) || a - b);
    for (const i of order) {
      this.ats.push(samples[i] as number);
      this.stacks.push(samples[i + 1] as number);
      this.times.push(samples[i + 2] as number);
    }
    if (this.ats.length > MAX_PROFILE_SAMPLES) {
      const cut = Math.floor(MAX_PROFILE_SAMPLES / 4);
      this.ats = this.ats.slice(cut);
      this.stacks = this.stacks.slice(cut);
      this.times = this.times.slice(cut);
    }
    return true;
  }

  clear(): void {
    this.frames = [];
    this.parents = [];
    this.frameOf = [];
    this.ats = [];
    this.stacks = [];
    this.times = [];
    this.intervalUs = 0;
  }

  /** The flame graph of the samples in `from..to` (milliseconds since the epoch): a tree of functions by caller. */
  flame(from: number, to: number): FlameNode {
    const root: FlameNode = { frame: -1, self: 0, total: 0, children: [] };
    const perStack = new Map<number, number>();
    for (let i = lowerBound(this.ats, from - 99); i < this.ats.length && (this.ats[i] as number) <= to; i++) {
      const stack = this.stacks[i] as number;
      perStack.set(stack, (perStack.get(stack) ?? 0) + (this.times[i] as number));
    }
    const nodes = new Map<number, FlameNode>();
    const nodeOf = (stack: number): FlameNode => {
      const known = nodes.get(stack);
      if (known) return known;
      const parentStack = this.parents[stack] ?? -1;
      const parent = parentStack < 0 ? root : nodeOf(parentStack);
      const node: FlameNode = { frame: this.frameOf[stack] ?? -1, self: 0, total: 0, children: [] };
      parent.children.push(node);
      nodes.set(stack, node);
      return node;
    };
    for (const [stack, us] of perStack) {
      nodeOf(stack).self += us;
    }
    sumTotals(root);
    return root;
  }

  /** Everything held as one chunk, for an export. */
  toMessage(): ProfileMessage {
    const stacks: number[] = [];
    this.parents.forEach((parent, id) => {
      stacks.push(id, parent, this.frameOf[id] as number);
    });
    const samples: number[] = [];
    for (let i = 0; i < this.ats.length; i++)
      samples.push(this.ats[i] as number, this.stacks[i] as number, this.times[i] as number);
    return { type: 'profile', intervalUs: this.intervalUs, frames: this.frames.filter(Boolean), stacks, samples };
  }
}

function lowerBound(values: readonly number[], t: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Fills in `total` bottom-up and sorts children by time, largest first; iterative, for deep stacks. */
function sumTotals(root: FlameNode): void {
  const order: FlameNode[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop() as FlameNode;
    order.push(node);
    for (const child of node.children) pending.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as FlameNode;
    node.total = node.self;
    for (const child of node.children) node.total += child.total;
    node.children.sort((a, b) => b.total - a.total);
  }
}

/** A frame's box in a flame graph: its place in pixels and its depth (0 is the root). */
export interface FlameRect {
  node: FlameNode;
  x: number;
  width: number;
  depth: number;
}

/** Lays out a flame graph `width` pixels wide, the root on top and callees under their callers; boxes under `minWidth` pixels are left out. */
export function flameLayout(root: FlameNode, width: number, minWidth = 0.5): FlameRect[] {
  const rects: FlameRect[] = [];
  if (root.total <= 0) return rects;
  const scale = width / root.total;
  const pending: FlameRect[] = [{ node: root, x: 0, width, depth: 0 }];
  while (pending.length > 0) {
    const rect = pending.pop() as FlameRect;
    rects.push(rect);
    let x = rect.x;
    for (const child of rect.node.children) {
      const w = child.total * scale;
      if (w >= minWidth) pending.push({ node: child, x, width: w, depth: rect.depth + 1 });
      x += w;
    }
  }
  return rects;
}

/** A frame's name as shown: anonymous functions say so. */
export function frameName(frame: ProfileFrame | undefined): string {
  if (!frame) return 'all';
  return frame.name || '(anonymous)';
}

/** Where a frame's code is, `file:line`, or empty for V8's own entries. */
export function frameWhere(frame: ProfileFrame | undefined): string {
  if (!frame?.url) return '';
  const file = frame.url.replace(/^file:\/\//, '');
  return frame.line > 0 ? `${file}:${frame.line}` : file;
}
