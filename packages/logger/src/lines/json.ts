/**
 * JSON log lines as records: pino and bunyan (numeric levels, `msg`, `time`,
 * `err`), winston's `json` format, structlog (`event`), loguru's `serialize`
 * (`text` and `record`), zap, logrus and slog, and anything with a level and
 * a message under one of the usual keys. Other keys become fields.
 */
import type { LevelName, SerializedError } from '@pulselog/shared';
import { levelOfValue } from './levels.js';
import type { ParsedRecord } from './record.js';

type Obj = Record<string, unknown>;

const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Keys read as the level, the message, the time and the error, first found first. */
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'levelname', 'log.level', 'loglevel'];
const MSG_KEYS = ['msg', 'message', 'event'];
const TIME_KEYS = ['time', 'timestamp', 'ts', '@timestamp'];
const ERR_KEYS = ['err', 'error', 'exception', 'exc_info'];
/**
 * Keys that say what the session already says (process and machine) or
 * nothing (bunyan's format version). Compared one by one: a key from
 * `JSON.parse` is an internalized string, so each is a pointer comparison,
 * where a `Set` hashes every key of every line.
 */
const isDroppedKey = (key: string) => key === 'pid' || key === 'hostname' || key === 'v';

/**
 * A time as loggers write it, in ms since the epoch: ISO text, or a number
 * in seconds (zap, loguru), milliseconds (pino), microseconds or nanoseconds,
 * told apart by size.
 */
export function timeOfValue(value: unknown): number | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    if (value < 1e11) return value * 1000;
    if (value < 1e14) return value;
    if (value < 1e17) return value / 1000;
    return value / 1e6;
  }
  if (typeof value === 'string' && value.length >= 10 && value.length <= 40) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

/** An error as a logger wrote it (pino's `err`, a stack as text, loguru's `exception`), or `undefined`. */
export function errorOfValue(value: unknown, depth = 0): SerializedError | undefined {
  if (typeof value === 'string') {
    // A stack or traceback as text: its last line names a Python exception, its first a JS or Java one.
    if (!value.includes('\n')) return undefined;
    return errorOfStack(value);
  }
  if (!isObj(value) || depth > 8) return undefined;
  const message = value.message ?? value.value ?? value.msg;
  const stack = value.stack ?? value.traceback ?? value.stacktrace;
  if (typeof message !== 'string' && typeof stack !== 'string') return undefined;
  const name = value.type ?? value.name ?? value.kind;
  const err: SerializedError = {
    name: typeof name === 'string' && name !== '' ? name : 'Error',
    message: typeof message === 'string' ? message : '',
  };
  if (typeof stack === 'string') err.stack = stack;
  if (typeof value.code === 'string' || typeof value.code === 'number') err.code = value.code;
  const cause = errorOfValue(value.cause, depth + 1);
  if (cause !== undefined) err.cause = cause;
  return err;
}

const EXCEPTION_LINE = /^([A-Za-z_$][\w.$]*)(?::\s?(.*))?$/;

/**
 * An error from a stack as text: a Python traceback names its exception on
 * its last line (`ValueError: boom`), a Node or Java stack on its first
 * (`TypeError: x`, `java.lang.IllegalStateException: y`).
 */
export function errorOfStack(stack: string): SerializedError {
  const lines = stack.trimEnd().split('\n');
  const python = lines[0]?.startsWith('Traceback ') === true;
  const named = python ? lines.at(-1) : lines[0];
  const match = named === undefined ? null : EXCEPTION_LINE.exec(named.trim());
  return {
    name: match?.[1] ?? 'Error',
    message: match ? (match[2] ?? '') : (named ?? ''),
    stack: stack.trimEnd(),
  };
}

function pick(object: Obj, keys: readonly string[]): [string, unknown] | undefined {
  for (const key of keys) {
    const value = object[key];
    if (value !== undefined && value !== null) return [key, value];
  }
  return undefined;
}

/** A loguru line (`serialize=True`): the message and its details are under `record`. */
function loguruRecord(line: Obj, now: number): ParsedRecord | undefined {
  const record = line.record;
  if (!isObj(record) || typeof line.text !== 'string' || !isObj(record.level)) return undefined;
  // loguru's level numbers (5 to 50) are not pino's: only the name is read.
  const level = levelOfValue(record.level.name);
  const time = isObj(record.time) ? timeOfValue(record.time.timestamp) : undefined;
  const fields: Obj = { ...(isObj(record.extra) ? record.extra : {}) };
  for (const key of ['name', 'function', 'line']) if (record[key] !== undefined) fields[key] = record[key];
  const exception = record.exception;
  const err = isObj(exception)
    ? errorOfValue({ type: exception.type, message: exception.value, stack: exception.traceback })
    : undefined;
  return {
    time: time ?? now,
    level: level ?? 'info',
    levelGiven: level !== undefined,
    msg: typeof record.message === 'string' ? record.message : line.text.trimEnd(),
    fields: Object.keys(fields).length > 0 ? fields : undefined,
    err,
  };
}

/**
 * A parsed JSON object as a record; `now` is its time when it has none.
 * Levels by name or pino's numbers; an `err` or `error` that is an error
 * (or a stack as text) becomes the record's error, anything else a field.
 */
export function recordOfObject(line: Obj, now: number): ParsedRecord {
  const loguru = loguruRecord(line, now);
  if (loguru !== undefined) return loguru;
  const levelEntry = pick(line, LEVEL_KEYS);
  const msgEntry = pick(line, MSG_KEYS);
  const timeEntry = pick(line, TIME_KEYS);
  const level: LevelName | undefined = levelEntry && levelOfValue(levelEntry[1]);
  let err: SerializedError | undefined;
  let errKey: string | undefined;
  for (const key of ERR_KEYS) {
    err = errorOfValue(line[key]);
    if (err !== undefined) {
      errKey = key;
      break;
    }
  }
  // winston's `format.errors()` and zap put the stack beside the message, not under a key of its own.
  let stackKey: string | undefined;
  if (err === undefined) {
    for (const key of ['stack', 'stacktrace']) {
      const stack = line[key];
      if (typeof stack === 'string' && stack.includes('\n')) {
        err = errorOfStack(stack);
        stackKey = key;
        break;
      }
    }
  }
  let fields: Obj | undefined;
  for (const key in line) {
    if (
      key === levelEntry?.[0] ||
      key === msgEntry?.[0] ||
      key === timeEntry?.[0] ||
      key === errKey ||
      key === stackKey ||
      isDroppedKey(key)
    ) {
      // A level we could not read is kept as it was written.
      if (key !== levelEntry?.[0] || level !== undefined) continue;
    }
    fields ??= {};
    fields[key] = line[key];
  }
  const rawMsg = msgEntry?.[1];
  let msg = typeof rawMsg === 'string' ? rawMsg : rawMsg === undefined ? '' : JSON.stringify(rawMsg);
  if (msg === '' && err !== undefined) msg = err.message;
  return {
    time: (timeEntry && timeOfValue(timeEntry[1])) ?? now,
    level: level ?? (err !== undefined ? 'error' : 'info'),
    levelGiven: level !== undefined,
    msg,
    fields,
    err,
  };
}
