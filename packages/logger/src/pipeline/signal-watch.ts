import { constants } from 'node:os';

/** The signals that end a program, watched by the pipeline thread. */
export const WATCHED_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** One of `WATCHED_SIGNALS`. */
export type WatchedSignal = (typeof WATCHED_SIGNALS)[number];

/** Bit of a watched signal in `SLOT.handled` (the program's own listeners). */
export function signalBit(signal: WatchedSignal): number {
  return signal === 'SIGINT' ? 1 : 2;
}

/** A libuv signal watcher on the calling thread's event loop (Node's `SignalWrap`). */
interface SignalHandle {
  onsignal: (signum: number) => void;
  start(signum: number): number;
  close(): void;
  unref(): void;
}

/**
 * SIGINT and SIGTERM as the pipeline thread sees them, on its own event loop.
 *
 * Why here: JavaScript signal listeners (`process.on('SIGINT')`) run on the
 * main thread's event loop, so a program busy in a synchronous loop never
 * runs them, and because a listener is installed the signal no longer ends
 * the program either. Node offers signal listeners on the main thread only,
 * but its `SignalWrap` (what `process.on` uses underneath) works on any
 * thread's loop: libuv's handler wakes every loop that watches the signal.
 * So the main thread installs no signal listener at all, and this thread,
 * never busy for long, hears the signal while the program is.
 *
 * `SignalWrap` is reached through `process.binding('signal_wrap')`, which
 * Node still allows but marks deprecated (DEP0111): the warning is silenced
 * for this one call, and where the binding is missing `start()` returns
 * false and the logger falls back to listeners on the main thread.
 *
 * Stopping closes the watchers: with none left, libuv restores the default
 * action, so a signal raised again ends the process as it would without pulselog.
 */
export class SignalWatch {
  private handles: SignalHandle[] = [];

  constructor(private readonly onSignal: (signal: WatchedSignal) => void) {}

  /** Starts watching; false when this Node offers no way to from this thread. */
  start(): boolean {
    const Signal = signalWrap();
    if (Signal === undefined) return false;
    for (const signal of WATCHED_SIGNALS) {
      const handle = new Signal();
      handle.onsignal = () => this.onSignal(signal);
      if (handle.start(constants.signals[signal]) !== 0) {
        handle.close();
        this.stop();
        return false;
      }
      // Watching must not keep the thread alive.
      handle.unref();
      this.handles.push(handle);
    }
    return true;
  }

  /** Stops watching: the signals' default action (or the program's own listeners) applies again. */
  stop(): void {
    for (const handle of this.handles.splice(0)) handle.close();
  }
}

/** Node's `SignalWrap` class, or `undefined` where `process.binding` no longer offers it. */
function signalWrap(): (new () => SignalHandle) | undefined {
  const binding = (process as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== 'function') return undefined;
  const quiet = process.noDeprecation;
  // The warning would tell the user of pulselog's use of the binding, which they cannot act on.
  process.noDeprecation = true;
  try {
    const Signal = (binding.call(process, 'signal_wrap') as { Signal?: unknown }).Signal;
    return typeof Signal === 'function' ? (Signal as new () => SignalHandle) : undefined;
  } catch {
    return undefined;
  } finally {
    process.noDeprecation = quiet;
  }
}
