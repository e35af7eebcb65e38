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
      original.apply(this, args);
      // A getter or `inspect` that itself logs to the console while being formatted prints, but makes no second record.
      if (inside) return;
      inside = true;
      try {
        const msg = format(...args);
        if (method === 'trace') log[level](msg, { stack: traceStack() });
        else log[level](msg);
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

/** The stack of the `console.trace` call, without the frames of capture itself. */
function traceStack(): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, traceStack);
  // Drop the first line ("Error") and the replacement's own frame: what is left starts at the caller.
  return (holder.stack ?? '').split('\n').slice(2).join('\n');
}
