/**
 * Log levels, lowest first. The numeric values leave room between levels and
 * match pulselog for Python, so sessions from either runtime read the same;
 * `trace` (5) sits below `debug` as Python's conventional `TRACE = 5` does.
 */
export const LEVELS = {
  trace: 5,
  debug: 10,
  info: 20,
  warning: 30,
  error: 40,
  critical: 50,
} as const;

/** A level's name as it appears on the wire and in session files. */
export type LevelName = keyof typeof LEVELS;

/** Level names in ascending order of severity. */
export const LEVEL_NAMES: readonly LevelName[] = Object.freeze(
  (Object.keys(LEVELS) as LevelName[]).sort((a, b) => LEVELS[a] - LEVELS[b]),
);

/** True when `value` is one of the level names. */
export function isLevelName(value: unknown): value is LevelName {
  return typeof value === 'string' && Object.hasOwn(LEVELS, value);
}

/**
 * Accepts a level name in any case, or the common aliases `warn` and `fatal`,
 * and returns the canonical name; `undefined` when it is none of them.
 */
export function normalizeLevel(value: string): LevelName | undefined {
  const lower = value.trim().toLowerCase();
  if (lower === 'warn') return 'warning';
  if (lower === 'fatal') return 'critical';
  return isLevelName(lower) ? lower : undefined;
}
