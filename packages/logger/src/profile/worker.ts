/**
 * The continuous profiler's thread. It drives the main thread's CPU profiler
 * through the inspector (`Session.connectToMainThread`), so the main thread
 * only samples and hands over a chunk when asked; parsing, summing and the
 * `.cpuprofile` happen here.
 *
 *   main thread (V8 samples its stack) ◀──inspector── this thread
 *                                                       │ every CHUNK_MS: Profiler.stop, Profiler.start
 *                                                       │ ChunkAggregator: frames, stacks, summed samples
 *                                                       ├──▶ main thread: a `profile` line (session file, tabs)
 *                                                       └──▶ at the end: <session>.cpuprofile
 *
 * The inspector serves a worker's requests on the main thread through V8
 * interrupts: a chunk is taken while the main thread runs a long synchronous
 * loop, and even while it waits in `Atomics.wait` at exit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { dirname } from 'node:path';
import { workerData } from 'node:worker_threads';
import { ChunkAggregator, type CpuProfile } from './aggregate.js';
import {
  DONE_SLOT,
  type FromProfiler,
  PROFILER_DONE,
  PROFILER_STARTED,
  type ProfilerData,
  STARTED_SLOT,
  type ToProfiler,
} from './messages.js';
import { ProfileRecording } from './recording.js';

const data = workerData as ProfilerData;
const done = new Int32Array(data.done);
const session = new Session();
const aggregator = new ChunkAggregator(data.intervalUs);
const recording = new ProfileRecording();
let timer: NodeJS.Timeout | undefined;
/** The chunk being taken, if any: a stop waits for it, so two never overlap. */
let busy: Promise<void> = Promise.resolve();

const post = (message: FromProfiler) => data.port.postMessage(message);

function ask<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T)));
  });
}

/** Milliseconds to add to V8's monotonic microseconds / 1000 (the clock `process.hrtime` reads) for wall-clock time. */
function epochOffsetMs(): number {
  return Date.now() - Number(process.hrtime.bigint()) / 1e6;
}

function take(profile: CpuProfile): void {
  const message = aggregator.add(profile, epochOffsetMs());
  if (message.samples.length === 0 && message.frames.length === 0) return;
  recording.add(message);
  post({ t: 'chunk', line: `${JSON.stringify(message)}\n` });
}

async function chunk(restart: boolean): Promise<void> {
  const { profile } = await ask<{ profile: CpuProfile }>('Profiler.stop');
  if (restart) await ask('Profiler.start');
  take(profile);
}

async function start(): Promise<void> {
  session.connectToMainThread();
  await ask('Profiler.enable');
  await ask('Profiler.setSamplingInterval', { interval: data.intervalUs });
  await ask('Profiler.start');
  started();
  timer = setInterval(() => {
    busy = busy.then(() => chunk(true)).catch(fail);
  }, data.chunkMs);
}

/** Lets the logging thread go on: it waits for the first sample's readiness (see `Profiler`). */
function started(): void {
  Atomics.store(done, STARTED_SLOT, PROFILER_STARTED);
  Atomics.notify(done, STARTED_SLOT);
}

function fail(err: unknown): void {
  clearInterval(timer);
  post({ t: 'error', message: (err as Error).message ?? String(err) });
}

async function stop(): Promise<void> {
  clearInterval(timer);
  try {
    await busy;
    await chunk(false);
    await ask('Profiler.disable');
  } catch (err) {
    fail(err);
  }
  // Disconnected before the process ends, or Node would wait for a debugger to let go.
  session.disconnect();
  let file: string | undefined;
  if (data.file !== undefined && recording.hasSamples) {
    try {
      // A run that ends at once may end before its session folder is made.
      mkdirSync(dirname(data.file), { recursive: true });
      // Owner-only, like the session file: function names and paths say much about a program.
      writeFileSync(data.file, JSON.stringify(recording.toCpuProfile()), { mode: 0o600 });
      file = data.file;
    } catch (err) {
      post({ t: 'error', message: `writing ${data.file} failed: ${(err as Error).message}` });
    }
  }
  post({ t: 'stopped', file, dropped: recording.dropped });
  Atomics.store(done, DONE_SLOT, PROFILER_DONE);
  Atomics.notify(done, DONE_SLOT);
}

data.port.on('message', (message: ToProfiler) => {
  if (message.t === 'stop') void stop();
  // Only once told: the main thread lets go of the session after this thread
  // disconnects it, and Node 20 aborts the process if this thread is gone by then.
  else if (message.t === 'exit') data.port.close();
});
start().catch((err) => {
  fail(err);
  session.disconnect();
  Atomics.store(done, DONE_SLOT, PROFILER_DONE);
  Atomics.notify(done, DONE_SLOT);
});
