import { format } from 'node:util';
import type { LevelName } from '@pulselog/shared';

/** The console methods captured, and the level each becomes. */
const METHODS = { log: 'info', info: 'info', debug: 'debug', warn: 'warning', error: 'error', trace: 'debug' } as const;

type Method = keyof typeof METHODS;

/** What capture needs of a logger: a level call per level. */
export type LevelCalls = Record<LevelName, (msg: unknown, fields?: Record<string, unknown>) => void>;

/**
 * Makes `console.log/info/debug/warn/error/trace` records of the matching
 * level as well: each prints as before, first, then becomes a record whose
 * message is what `util.format` makes of its arguments (`console.trace` adds
 * the stack as field `stack`). Returns the function that puts the console
 * back (only the methods still as this left them).
 */
export function captureConsole(log: LevelCalls, target: Console = console): () => void {
  const originals = new Map<Method, (...args: unknown[]) => void>();
  const patched = new Map<Method, (...args: unknown[]) => void>();
  let inside = false;
  for (const method of Object.keys(METHODS) as Method[]) {
    const original = target[method] as (...args: unknown[]) => void;
    const level = METHODS[method];
    const replacement = function (this: unknown, ...args: unknown[]): void {
      // Console methods call each other (`trace` prints through `error`), and a getter or `inspect`
      // may log while being formatted: those calls print, but only the outer one makes a record.
      if (inside) {
        original.apply(this, args);
        return;
      }
      inside = true;
      try {
        if (method === 'trace') {
          // As Node's own `console.trace` does, but with the stack starting at the caller rather than here.
          const trace = { name: 'Trace', message: format(...args), stack: '' };
          Error.captureStackTrace(trace, replacement);
          (target.error as (...args: unknown[]) => void).call(this, trace.stack);
          log[level](trace.message, { stack: trace.stack.split('\n').slice(1).join('\n') });
        } else {
          original.apply(this, args);
          log[level](format(...args));
        }
      } catch {
        // Capture never changes what the console call does: formatting that throws only loses the record.
      } finally {
        inside = false;
      }
    };
    originals.set(method, original);
    patched.set(method, replacement);
    target[method] = replacement as Console[Method];
  }
  return () => {
    for (const [method, original] of originals) {
      if (target[method] === patched.get(method)) target[method] = original as Console[Method];
    }
  };
}
