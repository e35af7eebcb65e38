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
 * - SIGINT and SIGTERM: a synchronous drain; then, unless the program has its
 *   own handler, the signal is raised again with pulselog's listener removed,
 *   so the process ends exactly as it would have.
 */

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
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const participants = new Set<ExitParticipant>();
let uncaught = false;

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

function onSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) {
    // The program handles this signal itself and decides whether to end.
    for (const p of participants) p.flushSync();
    return;
  }
  for (const p of [...participants]) p.finalizeSync('signal', undefined, signal);
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  process.on('uncaughtExceptionMonitor', onUncaught);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  process.off('beforeExit', onBeforeExit);
  process.off('exit', onExit);
  process.off('uncaughtExceptionMonitor', onUncaught);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Adds a logger core to the hooks, installing them with the first one. */
export function registerExit(participant: ExitParticipant): void {
  if (participants.size === 0) install();
  participants.add(participant);
}

/** Removes a logger core once it has shut down; the hooks go with the last one. */
export function unregisterExit(participant: ExitParticipant): void {
  if (participants.delete(participant) && participants.size === 0) uninstall();
}
