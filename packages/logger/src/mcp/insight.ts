import type { HealthSample, ProfileFrame } from '@pulselog/shared';
import type { SessionRead } from './answers.js';

/**
 * Health and profile answers of `pulselog mcp`, read from the session's
 * `health` and `profile` lines (or messages, from a running dashboard): the
 * process's CPU, memory, event-loop delay and GC over a time range, and the
 * functions that took the most CPU in it.
 */

/** Milliseconds since the epoch; `undefined` ends are open. */
export interface TimeRange {
  from?: number;
  to?: number;
}

const inRange = (t: number, range: TimeRange) =>
  (range.from === undefined || t >= range.from) && (range.to === undefined || t <= range.to);

/** The figures of one stretch of health samples. */
interface Stretch {
  from: string;
  to: string;
  samples: number;
  cpuPercent: number;
  rssMb: number;
  heapUsedMb: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcMs: number;
}

/** What `readHealth` tells. */
export interface HealthAnswer {
  samples: number;
  /** Over the whole range: the least, median and most of each figure. */
  overall?: Record<
    'cpuPercent' | 'rssMb' | 'heapUsedMb' | 'loopP99Ms' | 'gcMsPerSecond',
    { min: number; median: number; max: number }
  >;
  /** The range in at most `points` stretches, each with its means (and the worst loop delay). */
  series: Stretch[];
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const round = (n: number) => Math.round(n * 10) / 10;

function spread(values: number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    min: round(sorted[0] as number),
    median: round(sorted[sorted.length >> 1] as number),
    max: round(sorted[sorted.length - 1] as number),
  };
}

/** The session's health samples in `range`, summarised and cut into at most `points` stretches. */
export async function readHealth(read: SessionRead, range: TimeRange, points = 60): Promise<HealthAnswer> {
  const samples: HealthSample[] = [];
  await read({
    other(line) {
      if (line.type !== 'health' || !Array.isArray(line.samples)) return;
      for (const sample of line.samples as HealthSample[]) if (inRange(sample.at, range)) samples.push(sample);
    },
  });
  samples.sort((a, b) => a.at - b.at);
  if (samples.length === 0) return { samples: 0, series: [] };
  const cpu = (s: HealthSample) => s.cpu.user + s.cpu.system;
  const overall = {
    cpuPercent: spread(samples.map(cpu)),
    rssMb: spread(samples.map((s) => mb(s.rss))),
    heapUsedMb: spread(samples.map((s) => mb(s.heap.used))),
    loopP99Ms: spread(samples.map((s) => s.loop.p99)),
    gcMsPerSecond: spread(samples.map((s) => s.gc.ms)),
  };
  const per = Math.max(1, Math.ceil(samples.length / Math.max(1, points)));
  const series: Stretch[] = [];
  for (let i = 0; i < samples.length; i += per) {
    const part = samples.slice(i, i + per);
    const mean = (f: (s: HealthSample) => number) => part.reduce((sum, s) => sum + f(s), 0) / part.length;
    series.push({
      from: new Date((part[0] as HealthSample).at).toISOString(),
      to: new Date((part.at(-1) as HealthSample).at).toISOString(),
      samples: part.length,
      cpuPercent: round(mean(cpu)),
      rssMb: mb(mean((s) => s.rss)),
      heapUsedMb: mb(mean((s) => s.heap.used)),
      loopP99Ms: round(mean((s) => s.loop.p99)),
      loopMaxMs: round(Math.max(...part.map((s) => s.loop.max))),
      gcMs: round(part.reduce((sum, s) => sum + s.gc.ms, 0)),
    });
  }
  return { samples: samples.length, overall, series };
}

/** One function of `profileTop`. */
export interface TopFunction {
  function: string;
  /** `file:line`, or empty for V8's own entries. */
  location: string;
  /** CPU time with this function at the top of the stack, and its share of all sampled time. */
  selfMs: number;
  selfPercent: number;
  /** CPU time with this function anywhere on the stack. */
  totalMs: number;
}

/** What `profileTop` tells. */
export interface ProfileAnswer {
  /** Sampled CPU time in the range (the thread's idle time left out), milliseconds. */
  sampledMs: number;
  functions: TopFunction[];
}

/** The functions that took the most CPU in `range`, by self time, from the profiler's samples. */
export async function profileTop(read: SessionRead, range: TimeRange, limit = 20): Promise<ProfileAnswer> {
  const frames = new Map<number, ProfileFrame>();
  const stacks = new Map<number, { parent: number; frame: number }>();
  // Summed per stack while reading: the samples of a long run need no more memory than its stacks.
  const perStack = new Map<number, number>();
  await read({
    other(line) {
      if (line.type !== 'profile') return;
      for (const frame of (line.frames as ProfileFrame[] | undefined) ?? []) frames.set(frame.id, frame);
      const triples = (line.stacks as number[] | undefined) ?? [];
      for (let i = 0; i + 2 < triples.length; i += 3) {
        stacks.set(triples[i] as number, { parent: triples[i + 1] as number, frame: triples[i + 2] as number });
      }
      const samples = (line.samples as number[] | undefined) ?? [];
      for (let i = 0; i + 2 < samples.length; i += 3) {
        if (!inRange(samples[i] as number, range)) continue;
        const stack = samples[i + 1] as number;
        perStack.set(stack, (perStack.get(stack) ?? 0) + (samples[i + 2] as number));
      }
    },
  });
  // By function, not by frame: one function is several frames (each of its call sites in a stack is one).
  const keyOf = (id: number) => {
    const frame = frames.get(id);
    return frame ? `${frame.name}\u0000${frame.url}\u0000${frame.line}` : `#${id}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const named = new Map<string, ProfileFrame | undefined>();
  let sampledUs = 0;
  for (const [stack, us] of perStack) {
    const top = stacks.get(stack);
    if (!top) continue;
    // Time the thread waited is no function's CPU: left out of the list and of the shares.
    if (frames.get(top.frame)?.name === '(idle)') continue;
    sampledUs += us;
    const topKey = keyOf(top.frame);
    named.set(topKey, frames.get(top.frame));
    self.set(topKey, (self.get(topKey) ?? 0) + us);
    // A recursive function is on a stack more than once but took the time once.
    const seen = new Set<string>();
    for (let at = stacks.get(stack); at; at = at.parent >= 0 ? stacks.get(at.parent) : undefined) {
      const key = keyOf(at.frame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + us);
    }
  }
  const functions = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Math.max(1, limit))
    .map(([key, us]) => {
      const frame = named.get(key);
      return {
        function: frame?.name || '(anonymous)',
        location: frame?.url ? `${frame.url}:${frame.line}` : '',
        selfMs: round(us / 1000),
        selfPercent: sampledUs > 0 ? round((us / sampledUs) * 100) : 0,
        totalMs: round((total.get(key) ?? us) / 1000),
      };
    });
  return { sampledMs: round(sampledUs / 1000), functions };
}
