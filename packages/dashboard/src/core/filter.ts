import { LEVEL_NAMES, LEVELS, type LevelName, type LogRecord, normalizeLevel } from '@pulselog/shared';
import { type Condition, isEmptyQuery, parseQuery, type Query } from './query.js';

/** Everything that decides which records the list shows. */
export interface FilterState {
  /** Levels shown; a record of another level is hidden. */
  levels: ReadonlySet<LevelName>;
  /** The search box's text (see `parseQuery`). */
  query: string;
  /** Earliest time shown, milliseconds since the epoch. */
  from?: number;
  /** Latest time shown, milliseconds since the epoch. */
  to?: number;
}

/** The filter that shows everything. */
export const ALL: FilterState = Object.freeze({ levels: new Set(LEVEL_NAMES), query: '' });

/** A filter ready to test records: the query parsed once. */
export interface CompiledFilter {
  /** The parsed query. */
  query: Query;
  /** True when `test` needs the record's search text. */
  needsText: boolean;
  /** True when every record passes. */
  all: boolean;
  /** True when `record` passes; `text` gives its lower-cased search text on demand. */
  test(record: LogRecord, text: () => string): boolean;
}

function fieldValue(record: LogRecord, key: string): unknown {
  if (key === 'tag') return record.tag;
  if (key === 'msg') return record.msg;
  const fields = record.fields;
  if (!fields) return undefined;
  if (Object.hasOwn(fields, key)) return fields[key];
  let value: unknown = fields;
  for (const part of key.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function compare(actual: unknown, cond: Condition, wanted: number): boolean {
  if (actual === undefined) return cond.op === '!=';
  const isNum = typeof actual === 'number' && !Number.isNaN(wanted);
  let order: number;
  if (isNum) order = (actual as number) - wanted;
  else {
    const a = (typeof actual === 'string' ? actual : JSON.stringify(actual)).toLowerCase();
    const b = cond.value.toLowerCase();
    order = a < b ? -1 : a > b ? 1 : 0;
  }
  switch (cond.op) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
  }
}

function compileCondition(cond: Condition): (record: LogRecord) => boolean {
  if (cond.key === 'level') {
    const level = normalizeLevel(cond.value);
    if (!level) return () => false;
    const wanted = LEVELS[level];
    return (record) => compare(LEVELS[record.level], { ...cond, value: String(wanted) }, wanted);
  }
  const wanted = cond.value.trim() === '' ? Number.NaN : Number(cond.value);
  return (record) => compare(fieldValue(record, cond.key), cond, wanted);
}

/** Parses the filter's query once and returns a fast test for records. */
export function compileFilter(filter: FilterState): CompiledFilter {
  const query = parseQuery(filter.query);
  const levels = filter.levels;
  const allLevels = LEVEL_NAMES.every((l) => levels.has(l));
  const from = filter.from ?? Number.NEGATIVE_INFINITY;
  const to = filter.to ?? Number.POSITIVE_INFINITY;
  const conditions = query.conditions.map(compileCondition);
  const terms = query.terms;
  const all = allLevels && isEmptyQuery(query) && filter.from === undefined && filter.to === undefined;
  return {
    query,
    needsText: terms.length > 0,
    all,
    test(record, text) {
      // Dividers mark places in the session; they stay unless a search or time range excludes them.
      if (record.kind !== 'divider' && !levels.has(record.level)) return false;
      if (record.ts < from || record.ts > to) return false;
      for (const cond of conditions) if (!cond(record)) return false;
      if (terms.length > 0) {
        const haystack = text();
        for (const term of terms) if (!haystack.includes(term)) return false;
      }
      return true;
    },
  };
}

/** Writes the filter into URL search parameters, leaving out what is default. */
export function filterToParams(filter: FilterState, params = new URLSearchParams()): URLSearchParams {
  for (const key of ['levels', 'q', 'from', 'to']) params.delete(key);
  if (!LEVEL_NAMES.every((l) => filter.levels.has(l))) {
    params.set('levels', LEVEL_NAMES.filter((l) => filter.levels.has(l)).join(','));
  }
  if (filter.query) params.set('q', filter.query);
  if (filter.from !== undefined) params.set('from', String(Math.round(filter.from)));
  if (filter.to !== undefined) params.set('to', String(Math.round(filter.to)));
  return params;
}

/** Reads a filter back from URL search parameters; anything malformed falls back to the default. */
export function filterFromParams(params: URLSearchParams): FilterState {
  const levelsParam = params.get('levels');
  const levels = new Set<LevelName>(
    levelsParam === null
      ? LEVEL_NAMES
      : levelsParam
          .split(',')
          .map((l) => normalizeLevel(l))
          .filter((l): l is LevelName => l !== undefined),
  );
  const filter: FilterState = { levels, query: params.get('q') ?? '' };
  const from = Number(params.get('from') ?? Number.NaN);
  const to = Number(params.get('to') ?? Number.NaN);
  if (params.has('from') && Number.isFinite(from)) filter.from = from;
  if (params.has('to') && Number.isFinite(to)) filter.to = to;
  return filter;
}
