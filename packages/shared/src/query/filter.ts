import { LEVEL_NAMES, LEVELS, type LevelName, normalizeLevel } from '../levels.js';
import type { LogRecord } from '../record.js';
import { compare, compileExpr, fieldValue, type RecordAccess, wantedNumber } from './match.js';
import { type Condition, type Expr, isEmptyQuery, parseQuery, type Query } from './query.js';
import { searchText } from './text.js';

/** Column key under which records' tags are laid out beside their fields; no field name starts with NUL. */
export const TAG_KEY = '\u0000tag';

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

/** Code of a record's level in columns of levels: its index in `LEVEL_NAMES`, or `DIVIDER_CODE`. */
export function levelCode(record: LogRecord): number {
  return record.kind === 'divider' ? DIVIDER_CODE : LEVEL_NAMES.indexOf(record.level);
}

/** Level code of dividers, which every level filter lets through. */
export const DIVIDER_CODE = LEVEL_NAMES.length;

/** One field condition, ready to test. */
export interface CompiledCondition {
  /** True when `record` passes. */
  test(record: LogRecord): boolean;
  /** For a number compared with a top-level field: the field, and a test of its numeric value. */
  numeric?: { key: string; test(value: number): boolean };
  /** For a top-level field (or the tag, `TAG_KEY`): its column's key, so a scan may read the column instead of the record. */
  key?: string;
  /** For a column: a test of a string value it holds (see `FIELD_STRING`). */
  string?: (value: string) => boolean;
  /** For a top-level field: the outcome for a record without that field. */
  absent?: boolean;
}

/** A filter ready to test records: the query parsed once. */
export interface CompiledFilter {
  /** The parsed query. */
  query: Query;
  /** True when `test` needs the record's search text. */
  needsText: boolean;
  /** True when every record passes. */
  all: boolean;
  /** True when every record passes all but the full-text terms. */
  baseAll: boolean;
  /** True when `record` passes the levels, the time range and the field conditions (terms aside). */
  base(record: LogRecord): boolean;
  /**
   * Which level codes pass (see `levelCode`), so a scan can reject records
   * from a column of codes without touching the records.
   */
  levelPass: Uint8Array;
  /** The time range, ends included (infinite when open). */
  from: number;
  to: number;
  /** True when there are field conditions, which need the record itself. */
  hasConditions: boolean;
  /** True when `record` passes the field conditions. */
  conditions(record: LogRecord): boolean;
  /**
   * The field conditions one by one: a numeric one names its top-level field
   * and comparison, so a scan may read a column of numbers instead.
   */
  conditionList: CompiledCondition[];
  /**
   * The parts of the query a column cannot answer (groups, negations,
   * regexes, presence), or `undefined` when there are none.
   */
  rest: ((access: RecordAccess) => boolean) | undefined;
  /** True when `record` passes; `text` gives its lower-cased search text on demand. */
  test(record: LogRecord, text: () => string): boolean;
}

const NUMERIC_TESTS: Record<Condition['op'], (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
};

/** The levels a `level` condition lets through, e.g. `level>=warning`. */
function levelsOf(cond: Condition): Set<LevelName> {
  const level = normalizeLevel(cond.value);
  if (!level) return new Set();
  const wanted = LEVELS[level];
  const op = NUMERIC_TESTS[cond.op];
  return new Set(LEVEL_NAMES.filter((l) => op(LEVELS[l], wanted)));
}

function compileCondition(cond: Condition): CompiledCondition {
  const wanted = wantedNumber(cond);
  const compiled: CompiledCondition = { test: (record) => compare(fieldValue(record, cond.key), cond, wanted) };
  const topLevel = cond.key !== 'tag' && cond.key !== 'msg' && cond.key !== 'level' && !cond.key.includes('.');
  if (topLevel || cond.key === 'tag') {
    compiled.key = topLevel ? cond.key : TAG_KEY;
    compiled.absent = cond.op === '!=';
    compiled.string = (value) => compare(value, cond, wanted);
  }
  if (topLevel && Number.isFinite(wanted)) {
    const op = NUMERIC_TESTS[cond.op];
    compiled.numeric = { key: cond.key, test: (value) => op(value, wanted) };
  }
  return compiled;
}

/**
 * Parses the filter's query once and returns a fast test for records. A
 * query that cannot be read filters nothing (its error is in `query.error`).
 * `now` is the time `since:` counts back from.
 */
export function compileFilter(filter: FilterState, now = Date.now()): CompiledFilter {
  const parsed = parseQuery(filter.query);
  const query: Query = parsed.error ? { ...parsed, expr: undefined } : parsed;
  // `level` conditions narrow the level toggles rather than test each record.
  const levels = new Set(filter.levels);
  for (const cond of query.conditions) {
    if (cond.key !== 'level') continue;
    const allowed = levelsOf(cond);
    for (const l of LEVEL_NAMES) if (!allowed.has(l)) levels.delete(l);
  }
  const allLevels = LEVEL_NAMES.every((l) => levels.has(l));
  // A top-level `since:` is a lower time bound, which a scan reads from the column of times.
  let since = Number.NEGATIVE_INFINITY;
  const rest: Expr[] = [];
  for (const item of query.rest) {
    if (item.type === 'since') since = Math.max(since, now - item.ms);
    else rest.push(item);
  }
  const from = Math.max(filter.from ?? Number.NEGATIVE_INFINITY, since);
  const to = filter.to ?? Number.POSITIVE_INFINITY;
  const ranged = from !== Number.NEGATIVE_INFINITY || to !== Number.POSITIVE_INFINITY;
  const conditionList = query.conditions.filter((c) => c.key !== 'level').map(compileCondition);
  const conditions = conditionList.map((c) => c.test);
  const terms = query.terms;
  const restTests = rest.map((item) => compileExpr(item, now));
  const restTest =
    restTests.length === 0 ? undefined : (access: RecordAccess) => restTests.every((test) => test(access));
  const all = allLevels && isEmptyQuery(query) && !ranged;
  const levelPass = new Uint8Array(DIVIDER_CODE + 1);
  LEVEL_NAMES.forEach((l, i) => {
    levelPass[i] = levels.has(l) ? 1 : 0;
  });
  levelPass[DIVIDER_CODE] = 1;
  const passesConditions = (record: LogRecord): boolean => {
    for (const cond of conditions) if (!cond(record)) return false;
    return true;
  };
  const passesBase = (record: LogRecord): boolean => {
    // Dividers mark places in the session; they stay unless a search or time range excludes them.
    if (record.kind !== 'divider' && !levels.has(record.level)) return false;
    if (record.ts < from || record.ts > to) return false;
    for (const cond of conditions) if (!cond(record)) return false;
    return true;
  };
  return {
    query,
    needsText: terms.length > 0 || restTest !== undefined,
    all,
    baseAll: allLevels && conditions.length === 0 && restTest === undefined && !ranged,
    base: (record) =>
      passesBase(record) && (!restTest || restTest({ record: () => record, text: () => searchText(record) })),
    levelPass,
    from,
    to,
    hasConditions: conditions.length > 0,
    conditions: passesConditions,
    conditionList,
    rest: restTest,
    test(record, text) {
      if (!passesBase(record)) return false;
      if (terms.length > 0) {
        const haystack = text();
        for (const term of terms) if (!haystack.includes(term)) return false;
      }
      return !restTest || restTest({ record: () => record, text });
    },
  };
}
