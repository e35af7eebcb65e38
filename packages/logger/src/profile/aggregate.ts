import type { ProfileFrame, ProfileMessage } from '@pulselog/shared';

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it (the `.cpuprofile` format). */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  /** Microseconds, on V8's monotonic clock. */
  startTime: number;
  endTime: number;
  /** Node id of each sample's top frame. */
  samples?: number[];
  /** Microseconds from the sample before (the first: from `startTime`). */
  timeDeltas?: number[];
}

/** A node of a `CpuProfile`: a function at one place in the call tree. */
export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Milliseconds of the buckets samples are summed in. */
export const BUCKET_MS = 100;

/**
 * Turns the inspector's profile chunks into `ProfileMessage`s: every frame
 * and every stack (a path from the root) gets a session-wide id the first
 * time it is seen, and a chunk's samples are summed per stack and per tenth
 * of a second. What it keeps grows with the program's distinct stacks, not
 * with time; the samples leave with each message.
 */
export class ChunkAggregator {
  private readonly frames = new Map<string, number>();
  private readonly stacks = new Map<string, number>();

  constructor(private readonly intervalUs: number) {}

  /**
   * The message for one chunk. `epochOffsetMs` turns V8's monotonic
   * microseconds into wall-clock milliseconds: `at = us / 1000 + epochOffsetMs`.
   */
  add(profile: CpuProfile, epochOffsetMs: number): ProfileMessage {
    const message: ProfileMessage = {
      type: 'profile',
      intervalUs: this.intervalUs,
      frames: [],
      stacks: [],
      samples: [],
    };
    const stackOf = this.stackIds(profile.nodes, message);
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    // Summed per (bucket, stack) in the order first seen, so the message lists each pair once.
    const sums = new Map<string, number[]>();
    let t = profile.startTime;
    for (let i = 0; i < samples.length; i++) {
      t += deltas[i] ?? 0;
      const stack = stackOf.get(samples[i] as number);
      if (stack === undefined) continue;
      // A sample stands for the time until the next one; the last, until the chunk's end.
      const next = i + 1 < samples.length ? (deltas[i + 1] ?? 0) : profile.endTime - t;
      const us = Math.max(0, next);
      const at = Math.floor((t / 1000 + epochOffsetMs) / BUCKET_MS) * BUCKET_MS;
      const key = `${at}:${stack}`;
      const sum = sums.get(key);
      if (sum) sum[2] = (sum[2] as number) + us;
      else sums.set(key, [at, stack, us]);
    }
    for (const [at, stack, us] of sums.values())
      message.samples.push(at as number, stack as number, Math.round(us as number));
    return message;
  }

  /** The session-wide stack id of every node of a chunk, adding new frames and stacks to `message`. */
  private stackIds(nodes: readonly CpuProfileNode[], message: ProfileMessage): Map<number, number> {
    const byId = new Map<number, CpuProfileNode>();
    const parentOf = new Map<number, number>();
    for (const node of nodes) {
      byId.set(node.id, node);
      for (const child of node.children ?? []) parentOf.set(child, node.id);
    }
    const stackOf = new Map<number, number>();
    const resolve = (id: number): number => {
      const known = stackOf.get(id);
      if (known !== undefined) return known;
      // Walk up to the nearest resolved ancestor without recursion: call trees can be deep.
      const path: number[] = [];
      let cursor: number | undefined = id;
      while (cursor !== undefined && !stackOf.has(cursor)) {
        path.push(cursor);
        cursor = parentOf.get(cursor);
      }
      let parentStack = cursor === undefined ? -1 : (stackOf.get(cursor) as number);
      for (let i = path.length - 1; i >= 0; i--) {
        const nodeId = path[i] as number;
        parentStack = this.stackId(
          parentStack,
          this.frameId((byId.get(nodeId) as CpuProfileNode).callFrame, message),
          message,
        );
        stackOf.set(nodeId, parentStack);
      }
      return parentStack;
    };
    for (const node of nodes) resolve(node.id);
    return stackOf;
  }

  private frameId(callFrame: CpuProfileNode['callFrame'], message: ProfileMessage): number {
    const { functionName, url, lineNumber, columnNumber } = callFrame;
    const key = `${functionName}\u0000${url}\u0000${lineNumber}\u0000${columnNumber}`;
    let id = this.frames.get(key);
    if (id === undefined) {
      id = this.frames.size;
      this.frames.set(key, id);
      const frame: ProfileFrame = {
        id,
        name: functionName,
        url,
        // The protocol counts from 0, editors and DevTools' display from 1; -1 means unknown.
        line: lineNumber >= 0 ? lineNumber + 1 : 0,
        column: columnNumber >= 0 ? columnNumber + 1 : 0,
      };
      message.frames.push(frame);
    }
    return id;
  }

  private stackId(parent: number, frame: number, message: ProfileMessage): number {
    const key = `${parent}:${frame}`;
    let id = this.stacks.get(key);
    if (id === undefined) {
      id = this.stacks.size;
      this.stacks.set(key, id);
      message.stacks.push(id, parent, frame);
    }
    return id;
  }
}
