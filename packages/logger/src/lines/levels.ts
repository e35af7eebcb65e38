/**
 * Level words and numbers of the loggers whose output `pulselog` reads, as
 * pulselog levels.
 */
import type { LevelName } from '@pulselog/shared';

/** Every word taken as a level, lower case: pino, bunyan, winston, Python, zap, logrus, slog, syslog, Java. */
const WORDS: Record<string, LevelName> = {
  trace: 'debug',
  debug: 'debug',
  dbg: 'debug',
  verbose: 'debug',
  silly: 'debug',
  fine: 'debug',
  finer: 'debug',
  finest: 'debug',
  info: 'info',
  inf: 'info',
  information: 'info',
  informational: 'info',
  notice: 'info',
  http: 'info',
  success: 'info',
  warn: 'warning',
  warning: 'warning',
  wrn: 'warning',
  error: 'error',
  err: 'error',
  eror: 'error',
  severe: 'error',
  fatal: 'critical',
  critical: 'critical',
  crit: 'critical',
  panic: 'critical',
  dpanic: 'critical',
  emerg: 'critical',
  emergency: 'critical',
  alert: 'critical',
};

/** The words of `WORDS` as a regular expression alternative, longest first. */
export const LEVEL_WORDS = Object.keys(WORDS)
  .sort((a, b) => b.length - a.length)
  .join('|');

/** A level word in any case (`WARN`, `Warning`, `warn`), or `undefined`. */
export function levelOfWord(word: string): LevelName | undefined {
  return WORDS[word.toLowerCase()];
}

/**
 * A level as JSON loggers write it: a word (`"warn"`, slog's `"WARN+2"`), or
 * a number, pino's and bunyan's (10 trace … 60 fatal); numbers between are
 * taken by the range they fall in.
 */
export function levelOfValue(value: unknown): LevelName | undefined {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    if (value < 30) return 'debug';
    if (value < 40) return 'info';
    if (value < 50) return 'warning';
    if (value < 60) return 'error';
    return 'critical';
  }
  if (typeof value !== 'string') return undefined;
  const word = WORDS[value.toLowerCase()];
  if (word !== undefined) return word;
  // slog's levels between the named ones (`INFO+2`), and numbers written as text.
  const plus = /^([a-z]+)[+-]\d+$/i.exec(value);
  if (plus) return WORDS[(plus[1] as string).toLowerCase()];
  if (/^\d+$/.test(value)) return levelOfValue(Number(value));
  return undefined;
}
