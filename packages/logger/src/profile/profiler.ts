import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { threadExecArgv } from '../thread-argv.js';
import { DONE_SLOT, type FromProfiler, PROFILER_DONE, type ProfilerData, STARTED_SLOT } from './messages.js';

/**
 * Sampling interval, microseconds: 100 samples a second, pprof's rate. V8's
 * own default (1 ms) costs ten times the interrupts for detail a flame graph
 * of seconds does not need.
 */
export const PROFILE_INTERVAL_US = 10_000;
/** Milliseconds between chunks: how soon samples reach tabs, and how much V8 holds at once. */
export const PROFILE_CHUNK_MS = 2000;
/**
 * Longest the logger's constructor waits for V8 to sample, milliseconds. V8
 * never tells its profiler about a loop it optimized while the loop ran
 * (on-stack replacement) before profiling started, so without the wait a
 * program's first hot loop could be charged to its caller for the whole run.
 * Starting takes some tens of milliseconds on a quiet machine; only `profile: true` pays it.
 */
export const PROFILE_START_WAIT_MS = 500;

/**
 * The continuous profiler as the logging thread sees it: starts the
 * profiler's thread (`worker.ts`), passes each chunk on as a session-file
 * line (`emit`), and at the end has the last chunk taken and the
 * `.cpuprofile` written, waiting for it with or without the event loop.
 *
 * The thread drives this thread's profiler with `Session.connectToMainThread`:
 * a worker's own `Session.connect()` reaches only the worker's isolate, and
 * Node has no way to reach another worker's, so the profiled thread is
 * always the main thread, whichever thread made the logger.
 */
export class Profiler {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly done = new Int32Array(new SharedArrayBuffer(8));
  private stopped: Promise<void> | undefined;
  private resolveStopped: (() => void) | undefined;

  /** `file`: where the `.cpuprofile` goes, or `undefined` for nowhere; `emit`: takes each chunk's line. */
  constructor(
    file: string | undefined,
    private readonly emit: (line: string) => void,
    options: { intervalUs?: number; chunkMs?: number; startWaitMs?: number } = {},
  ) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const data: ProfilerData = {
      intervalUs: options.intervalUs ?? PROFILE_INTERVAL_US,
      chunkMs: options.chunkMs ?? PROFILE_CHUNK_MS,
      file,
      port: channel.port2,
      done: this.done.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(workerUrl(), {
      workerData: data,
      transferList: [channel.port2],
      name: 'pulselog-profiler',
      execArgv: threadExecArgv(),
    });
    this.worker.on('error', (err) => this.onMessage({ t: 'error', message: err.message }));
    // A thread that failed to load (a Node built without the inspector) stops nobody waiting for it.
    this.worker.on('exit', () => {
      Atomics.store(this.done, DONE_SLOT, PROFILER_DONE);
      this.resolveStopped?.();
    });
    this.port.on('message', (message: FromProfiler) => this.onMessage(message));
    // Profiling must never keep a finished program alive (after the listeners: adding one refs again).
    this.port.unref();
    this.worker.unref();
    // The inspector serves the thread's requests to this thread while it waits here.
    Atomics.wait(this.done, STARTED_SLOT, 0, options.startWaitMs ?? PROFILE_START_WAIT_MS);
  }

  private onMessage(message: FromProfiler): void {
    switch (message.t) {
      case 'chunk':
        this.emit(message.line);
        break;
      case 'error':
        process.stderr.write(`pulselog: the profiler stopped: ${message.message}\n`);
        break;
      case 'stopped':
        if (message.dropped > 0) {
          process.stderr.write(
            `pulselog: the profile kept its latest samples; ${message.dropped} older summed sample(s) were left out\n`,
          );
        }
        this.resolveStopped?.();
        break;
    }
  }

  /** Takes the last chunk, writes the `.cpuprofile` and ends the thread; at most `timeoutMs`. */
  stop(timeoutMs: number): Promise<void> {
    this.stopped ??= (async () => {
      if (Atomics.load(this.done, DONE_SLOT) !== PROFILER_DONE) {
        const stopped = new Promise<void>((resolve) => {
          this.resolveStopped = resolve;
        });
        this.port.ref();
        this.port.postMessage({ t: 'stop' });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([stopped, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
        clearTimeout(timer);
      }
      // This thread lets go of the disconnected session at its next interrupt; only then may the
      // profiler's thread end (Node 20 aborts the process otherwise), so it is told to after a turn.
      await new Promise((resolve) => setImmediate(resolve));
      this.port.postMessage({ t: 'exit' });
      this.port.close();
    })();
    return this.stopped;
  }

  /**
   * The same without the event loop (`process.exit()`, a signal): the
   * inspector serves the thread's requests while this thread waits.
   */
  stopSync(timeoutMs: number): void {
    if (this.stopped) return;
    this.stopped = Promise.resolve();
    if (Atomics.load(this.done, DONE_SLOT) !== PROFILER_DONE) {
      this.port.postMessage({ t: 'stop' });
      Atomics.wait(this.done, DONE_SLOT, 0, timeoutMs);
    }
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      this.onMessage(m.message as FromProfiler);
    }
    // The thread is not told to end: the process is ending, and takes it along
    // after this thread has let go of the session (which an early end would abort).
  }
}

/** The thread's module: beside this one in the built package; from the sources (under test), the built one. */
function workerUrl(): URL {
  const beside = new URL('./worker.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/profile/worker.js', import.meta.url);
}
