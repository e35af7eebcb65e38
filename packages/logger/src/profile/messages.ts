/** What passes between the logging thread and the profiler's thread (`worker.ts`). */
import type { MessagePort } from 'node:worker_threads';

/** What the profiler's thread starts with. */
export interface ProfilerData {
  /** Sampling interval asked of V8, microseconds. */
  intervalUs: number;
  /** Milliseconds between two chunks: how often samples reach the session file and tabs. */
  chunkMs: number;
  /** Where to write the `.cpuprofile` at the end, or `undefined` for nowhere. */
  file: string | undefined;
  /** The thread's end of the channel to the logging thread. */
  port: MessagePort;
  /**
   * Two `Int32` slots for `Atomics.wait`: `PROFILER_DONE` at `DONE_SLOT` once the thread stopped
   * (and wrote its file), `PROFILER_STARTED` at `STARTED_SLOT` once V8 samples (or starting failed).
   */
  done: SharedArrayBuffer;
}

/** Slot of `done` that says the profiler's thread has stopped. */
export const DONE_SLOT = 0;
/** Slot of `done` that says the profiler runs, or will not. */
export const STARTED_SLOT = 1;
/** Value of the `DONE_SLOT` once the profiler's thread has stopped. */
export const PROFILER_DONE = 1;
/** Value of the `STARTED_SLOT` once V8 samples, or starting failed. */
export const PROFILER_STARTED = 1;

/**
 * Messages to the profiler's thread: `stop` (take the last chunk, write the
 * file, disconnect), then `exit` once the logging thread has let go of the
 * session (see `Profiler.stop`).
 */
export type ToProfiler = { t: 'stop' } | { t: 'exit' };

/** Messages from the profiler's thread. */
export type FromProfiler =
  /** A chunk as its session-file line: a `profile` message. */
  | { t: 'chunk'; line: string }
  /** The profiler failed; said once on stderr. */
  | { t: 'error'; message: string }
  /** The last chunk went out; `file` is the `.cpuprofile` written, if any; `dropped`: summed samples left out for the bound. */
  | { t: 'stopped'; file: string | undefined; dropped: number };
