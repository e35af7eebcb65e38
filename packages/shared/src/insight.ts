/**
 * What the logger says about the process beside its records: health once a
 * second, and the continuous profiler's samples. Both travel to tabs as
 * messages of their own and are kept in the session file as lines of the
 * same shape (one message a line), so a tab, an import and the file agree.
 */

/** One sample of the process's health, taken once a second on the logging (main) thread. */
export interface HealthSample {
  /** Time of the sample, milliseconds since the epoch. */
  at: number;
  /** CPU time of the whole process (every thread) since the last sample, in percent of one core. */
  cpu: {
    /** Time in user mode, percent of one core. */
    user: number;
    /** Time in the kernel, percent of one core. */
    system: number;
  };
  /** Resident set size, bytes. */
  rss: number;
  /** The main thread's JavaScript heap, bytes. */
  heap: {
    /** Bytes in use (garbage not yet collected included). */
    used: number;
    /** Bytes the heap holds from the system. */
    total: number;
  };
  /** Event-loop delay of the main thread since the last sample, milliseconds (`perf_hooks.monitorEventLoopDelay`). */
  loop: {
    p50: number;
    p99: number;
    max: number;
  };
  /** Milliseconds the main thread spent in garbage collection since the last sample, and how many collections. */
  gc: {
    ms: number;
    count: number;
  };
  /** Handles and requests keeping the event loop alive (`process.getActiveResourcesInfo()`), pulselog's own included. */
  handles: number;
}

/** Health samples, oldest first: one a second live, many at once when a tab connects. */
export interface HealthMessage {
  type: 'health';
  /** The samples, in ascending `at` order. */
  samples: HealthSample[];
}

/**
 * A function as the profiler names it; `line` and `column` are 1-based
 * (DevTools protocol positions are 0-based: add one when reading them), 0 when unknown.
 */
export interface ProfileFrame {
  /** Id the stacks refer to, from 0, never reused within a session. */
  id: number;
  /** The function's name; empty for an anonymous function. */
  name: string;
  /** The script's URL or path; empty for natives and V8's own entries such as `(garbage collector)`. */
  url: string;
  line: number;
  column: number;
}

/**
 * A chunk of the continuous profiler's output: the frames and stacks first
 * seen in it, and its samples summed per stack and per tenth of a second.
 * Each chunk adds to the ones before (ids are never reused), so a reader keeps
 * every `frames` and `stacks` entry and may drop old samples to bound memory.
 */
export interface ProfileMessage {
  type: 'profile';
  /** Sampling interval asked of V8, microseconds. */
  intervalUs: number;
  /** Frames first seen in this chunk. */
  frames: ProfileFrame[];
  /**
   * Stacks first seen in this chunk, as flat triples `[id, parent, frame]`:
   * `parent` is the caller's stack id, -1 for the root. A stack is one path
   * from the root to a frame, so a sample's stack names every caller.
   */
  stacks: number[];
  /**
   * The samples as flat triples `[at, stack, us]`: the start of a tenth of a
   * second (milliseconds since the epoch), a stack sampled at its top in that
   * tenth, and the time those samples stand for, microseconds.
   */
  samples: number[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const hasNumbers = (value: unknown, keys: readonly string[]): boolean =>
  isObject(value) && keys.every((key) => isNumber(value[key]));

/** True when `value` has the shape of a `HealthSample`. */
export function isHealthSample(value: unknown): value is HealthSample {
  return (
    isObject(value) &&
    isNumber(value.at) &&
    isNumber(value.rss) &&
    isNumber(value.handles) &&
    hasNumbers(value.cpu, ['user', 'system']) &&
    hasNumbers(value.heap, ['used', 'total']) &&
    hasNumbers(value.loop, ['p50', 'p99', 'max']) &&
    hasNumbers(value.gc, ['ms', 'count'])
  );
}

/** True when `value` has the shape of a `ProfileFrame`. */
export function isProfileFrame(value: unknown): value is ProfileFrame {
  return (
    isObject(value) &&
    isNumber(value.id) &&
    typeof value.name === 'string' &&
    typeof value.url === 'string' &&
    isNumber(value.line) &&
    isNumber(value.column)
  );
}

const isTriples = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length % 3 === 0 && value.every(isNumber);

/** Why `data` (an object with `type: 'health'`) is not a `HealthMessage`, or `undefined` when it is. */
export function checkHealthMessage(data: Record<string, unknown>): string | undefined {
  return Array.isArray(data.samples) && data.samples.every(isHealthSample) ? undefined : 'malformed health';
}

/** Why `data` (an object with `type: 'profile'`) is not a `ProfileMessage`, or `undefined` when it is. */
export function checkProfileMessage(data: Record<string, unknown>): string | undefined {
  return isNumber(data.intervalUs) &&
    Array.isArray(data.frames) &&
    data.frames.every(isProfileFrame) &&
    isTriples(data.stacks) &&
    isTriples(data.samples)
    ? undefined
    : 'malformed profile';
}
