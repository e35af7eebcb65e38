/**
 * One set of process hooks for every logger in the process, so that several
 * loggers end together and a signal is re-raised once, not once per logger.
 *
 * - `beforeExit` (the program ran out of work): an orderly async shutdown,
 *   which lets the dashboard linger for a browser tab.
 * - `exit` (`process.exit()`, the end of an uncaught exception): a
 *   synchronous drain into the session file; nothing async runs any more.
 * - `uncaughtExceptionMonitor`: the error is logged as a critical record
 *   first; Node then does what it would have done without pulselog.
 * - SIGINT and SIGTERM: heard by each pipeline thread (`signal-watch.ts`),
 *   not by a listener here, which would keep a program busy in a synchronous
 *   loop from ending at all. Told of it, this thread drains synchronously and
 *   ends every session; then, unless the program has its own listener, the
 *   signal is raised again, so the process ends exactly as it would have. A
 *   program too busy to be told within the grace is ended by the pipeline
 *   thread. Where that thread cannot watch signals, listeners here do it all.
 */
import { signalBit, WATCHED_SIGNALS, type WatchedSignal } from '../pipeline/signal-watch.js';

/** What a logger core does at each kind of ending. */
export interface ExitParticipant {
  /** Starts an orderly shutdown; the program has nothing else to do. */
  shutdown(reason: 'exit'): Promise<void>;
  /** Drains everything into the pipeline and ends the session, without returning to the event loop. */
  finalizeSync(reason: 'exit' | 'uncaught' | 'signal', code?: number, signal?: string): void;
  /** Drains everything into the pipeline and waits for it, keeping the session open. */
  flushSync(): void;
  /** Logs an error nobody caught, before Node reports it. */
  logUncaught(err: unknown, origin: string): void;
  /** Which of the watched signals the program has listeners of its own for (`signalBit`). */
  signalsHandled(mask: number): void;
}

const participants = new Set<ExitParticipant>();
let uncaught = false;
/** Set once pulselog listens for signals on this thread itself (`listenForSignals`). */
let listening = false;

function onBeforeExit(): void {
  for (const p of participants) void p.shutdown('exit');
}

function onExit(code: number): void {
  for (const p of [...participants]) p.finalizeSync(uncaught ? 'uncaught' : 'exit', code);
}

function onUncaught(err: unknown, origin: string): void {
  for (const p of participants) p.logUncaught(err, origin);
  // Without a handler of the program's own, Node is about to end the process.
  if (process.listenerCount('uncaughtException') === 0) uncaught = true;
}

/**
 * Ends every session on `signal` and raises it again, or only flushes when
 * the program listens for it itself (it decides whether to end). Called when
 * a pipeline thread heard the signal (`handled`: the program listened for it
 * when it came; its listener may have removed itself since), or by pulselog's
 * own listener.
 */
export function signalled(signal: NodeJS.Signals, handled = false): void {
  // A program's listener that removed itself as it ran (once, or to shut down) handled this signal too.
  const justHandled = Date.now() - (lastUnlistened.get(signal) ?? Number.NEGATIVE_INFINITY) < UNLISTENED_GRACE_MS;
  if (handled || justHandled || process.listenerCount(signal) > (listening ? 1 : 0)) {
    for (const p of participants) p.flushSync();
    return;
  }
  for (const p of [...participants]) p.finalizeSync('signal', undefined, signal);
  uninstall();
  process.kill(process.pid, signal);
}

/** For a Node whose pipeline thread cannot watch signals: listeners on this thread, which wait for its event loop. */
export function listenForSignals(): void {
  if (listening || participants.size === 0) return;
  listening = true;
  for (const signal of WATCHED_SIGNALS) process.on(signal, signalled);
}

/** The signals the program listens for itself, as a mask; `adding` is a listener about to be added. */
function handledMask(adding?: string | symbol): number {
  let mask = 0;
  for (const signal of WATCHED_SIGNALS) {
    const count = process.listenerCount(signal) + (adding === signal ? 1 : 0) - (listening ? 1 : 0);
    if (count > 0) mask |= signalBit(signal);
  }
  return mask;
}

/**
 * When the program last removed a listener of each signal. The pipeline thread
 * hears a signal on its own event loop, and the program's listener may run
 * and remove itself before that thread looks: such a signal was the program's.
 */
const lastUnlistened = new Map<string | symbol, number>();
const UNLISTENED_GRACE_MS = 2000;

/** Keeps every pipeline thread told which signals the program handles, the moment a listener comes or goes. */
function onListenerChange(adding: boolean, event: string | symbol, listener: unknown): void {
  if (listener === signalled || !WATCHED_SIGNALS.includes(event as WatchedSignal)) return;
  if (!adding) {
    lastUnlistened.set(event, Date.now());
    // The signal stays the program's a moment longer, for a pipeline thread that heard it late.
    setTimeout(tellHandled, UNLISTENED_GRACE_MS).unref();
  }
  tellHandled(adding ? event : undefined);
}

/** Tells every pipeline thread which signals are the program's: listened for now, or until a moment ago. */
function tellHandled(adding?: string | symbol): void {
  let mask = handledMask(adding);
  const now = Date.now();
  for (const signal of WATCHED_SIGNALS) {
    if (now - (lastUnlistened.get(signal) ?? Number.NEGATIVE_INFINITY) < UNLISTENED_GRACE_MS) mask |= signalBit(signal);
  }
  for (const p of participants) p.signalsHandled(mask);
}
const onNewListener = (event: string | symbol, listener: unknown) => onListenerChange(true, event, listener);
const onRemoveListener = (event: string | symbol, listener: unknown) => onListenerChange(false, event, listener);

function install(): void {
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onUncaught);
  process.on('newListener', onNewListener);
  process.on('removeListener', onRemoveListener);
}

function uninstall(): void {
  process.off('beforeExit', onBeforeExit);
  process.off('exit', onExit);
  process.off('uncaughtExceptionMonitor', onUncaught);
  process.off('newListener', onNewListener);
  process.off('removeListener', onRemoveListener);
  if (listening) for (const signal of WATCHED_SIGNALS) process.off(signal, signalled);
  listening = false;
}

/** Adds a logger core to the hooks, installing them with the first one. */
export function registerExit(participant: ExitParticipant): void {
  if (participants.size === 0) install();
  participants.add(participant);
  participant.signalsHandled(handledMask());
}

/** Removes a logger core once it has shut down; the hooks go with the last one. */
export function unregisterExit(participant: ExitParticipant): void {
  if (participants.delete(participant) && participants.size === 0) uninstall();
}
