/** winston's `info` objects as pulselog's level, fields and error: pure, tested without winston. */
import { type LevelName, normalizeLevel } from '@pulselog/shared';

/** winston's npm and syslog level names that are not pulselog's own. */
const WINSTON_LEVELS: Record<string, LevelName> = {
  emerg: 'critical',
  alert: 'critical',
  crit: 'critical',
  notice: 'info',
  http: 'info',
  verbose: 'debug',
  silly: 'debug',
  trace: 'debug',
};

/** A winston level name as pulselog's: `custom` first, then pulselog's own names, then npm's and syslog's; else `info`. */
export function levelOfWinston(name: string, custom: Record<string, LevelName> = {}): LevelName {
  if (Object.hasOwn(custom, name)) return custom[name] as LevelName;
  // A `trace` level of winston's stays debug, as `silly` does, rather than pulselog's own `trace` (hidden by default).
  return name === 'trace' ? 'debug' : (normalizeLevel(name) ?? WINSTON_LEVELS[name] ?? 'info');
}

/** Keys of `info` that are not metadata: winston's own, and the process details its exception handler adds. */
const NOT_FIELDS = new Set(['level', 'message', 'stack', 'exception', 'error', 'trace', 'os', 'process', 'date']);

/** An error with the message and stack winston gave the record, when only those are left of it. */
class LoggedError extends Error {}

/**
 * The record's error: `info` itself (`log.error(err)`), the `error` winston's
 * exception handler adds, the first metadata value that is an Error, or a
 * `stack` merged into `info` (`log.error('msg', err)`, `format.errors()`).
 */
export function errorOf(info: Record<string | symbol, unknown>): Error | undefined {
  if (info instanceof Error) return info;
  if (info.error instanceof Error) return info.error;
  for (const key of Object.keys(info)) {
    if (!NOT_FIELDS.has(key) && info[key] instanceof Error) return info[key] as Error;
  }
  if (typeof info.stack !== 'string') return undefined;
  // The stack's first line is `Name: message`, winston's message may have text of its own before it.
  const first = /^([\w$.]*(?:Error|Exception)[\w$.]*): (.*)$/m.exec(info.stack.split('\n', 1)[0] ?? '');
  const err = new LoggedError(first?.[2] ?? String(info.message ?? ''));
  err.name = first?.[1] ?? 'Error';
  err.stack = info.stack;
  return err;
}

/** Metadata of `info` as fields: every own key but winston's own and the error taken as the record's. */
export function fieldsOf(info: Record<string | symbol, unknown>, err: Error | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(info)) {
    const value = info[key];
    if (NOT_FIELDS.has(key) || value === err) continue;
    // An error logged alone is `info` itself: its name and code belong to the error, other keys (defaultMeta) are fields.
    if ((info as unknown) === err && (key === 'code' || key === 'name')) continue;
    fields[key] = value;
  }
  if (info.exception === true) fields.exception = true;
  return fields;
}
