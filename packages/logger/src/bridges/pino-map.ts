/**
 * pino's JSON lines as pulselog records: a pure mapping, tested without pino.
 * Each object becomes its time and the tail of its record line (as
 * `batch/packed.ts` describes), the form `Logger[INGEST]` queues.
 */
import { type LevelName, normalizeLevel, type SerializedError } from '@pulselog/shared';

/** What pino tells a transport about itself (`expectPinoConfig`). */
export interface PinoConfig {
  /** Level names by number, custom levels included. */
  labels: Record<string, string>;
  messageKey: string;
  errorKey: string;
}

/** pino's defaults, for a pino that says nothing of its configuration. */
export const PINO_DEFAULTS: PinoConfig = {
  labels: { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' },
  messageKey: 'msg',
  errorKey: 'err',
};

/** Keys pino adds to every line that pulselog's session already says (process and machine). */
const BASE_KEYS = new Set(['pid', 'hostname']);

/**
 * A pino level (its number, or its name when a formatter wrote names) as a
 * pulselog level: a name in `levels` (the transport's option) first, then a
 * name pulselog knows, then by number, between pino's own: below 30 debug
 * (trace, debug), below 40 info, below 50 warning, below 60 error, then critical.
 */
export function levelOfPino(level: unknown, config: PinoConfig, levels: Record<string, LevelName> = {}): LevelName {
  const name = typeof level === 'number' ? config.labels[level] : typeof level === 'string' ? level : undefined;
  if (name !== undefined) {
    if (Object.hasOwn(levels, name)) return levels[name] as LevelName;
    // pino's trace stays debug: the transport's logger (debug by default) would hide pulselog's own `trace`.
    if (name === 'trace') return 'debug';
    const known = normalizeLevel(name);
    if (known !== undefined) return known;
  }
  const n = typeof level === 'number' ? level : Number(Object.entries(config.labels).find(([, l]) => l === name)?.[0]);
  if (!(n >= 30)) return n < 30 ? 'debug' : 'info';
  if (n < 40) return 'info';
  if (n < 50) return 'warning';
  if (n < 60) return 'error';
  return 'critical';
}

/** pino's serialized error (`pino-std-serializers`) as pulselog's: `type` is the name; the cause chain is kept. */
export function errorOfPino(value: unknown, depth = 0): SerializedError | undefined {
  if (typeof value !== 'object' || value === null || depth > 8) return undefined;
  const e = value as Record<string, unknown>;
  if (typeof e.message !== 'string' && typeof e.stack !== 'string') return undefined;
  const err: SerializedError = {
    name: typeof e.type === 'string' ? e.type : typeof e.name === 'string' ? e.name : 'Error',
    message: typeof e.message === 'string' ? e.message : '',
  };
  if (typeof e.stack === 'string') err.stack = e.stack;
  if (typeof e.code === 'string' || typeof e.code === 'number') err.code = e.code;
  const cause = errorOfPino(e.cause, depth + 1);
  if (cause !== undefined) err.cause = cause;
  return err;
}

/** One pino object as its time (ms since the epoch; `now` when it has none) and its line's tail. */
export function mapPinoLine(
  line: Record<string, unknown>,
  config: PinoConfig,
  levels: Record<string, LevelName>,
  now: number,
): { time: number; tail: string } {
  const { level, time, [config.messageKey]: msg, [config.errorKey]: errValue, ...rest } = line;
  const fields: Record<string, unknown> = {};
  let count = 0;
  for (const key of Object.keys(rest)) {
    if (BASE_KEYS.has(key)) continue;
    fields[key] = rest[key];
    count++;
  }
  const err = errorOfPino(errValue);
  // An `err` that is not an error (a string, say) is kept as the field it was.
  if (err === undefined && errValue !== undefined) {
    fields[config.errorKey] = errValue;
    count++;
  }
  let text = typeof msg === 'string' ? msg : msg === undefined || msg === null ? '' : JSON.stringify(msg);
  if (text === '' && err !== undefined) text = err.message;
  let tail = `,"level":"${levelOfPino(level, config, levels)}","msg":${JSON.stringify(text)}`;
  if (count > 0) tail += `,"fields":${JSON.stringify(fields)}`;
  if (err !== undefined) tail += `,"err":${JSON.stringify(err)}`;
  return { time: typeof time === 'number' && Number.isFinite(time) ? time : now, tail: `${tail}}` };
}
