import { LEVELS, normalizeLevel } from '../levels.js';
import type { LogRecord } from '../record.js';
import { stripAnsi } from './ansi.js';
import { jsonText } from './json.js';
import type { Condition, Expr, Operator } from './query.js';

/** What a test of one record may read, each part fetched only when needed. */
export interface RecordAccess {
  /** The record itself. */
  record(): LogRecord;
  /** Its lower-cased search text (`searchText`). */
  text(): string;
}

/**
 * The value a query key names in a record: `tag`, `msg` and `level` are the
 * record's own; `err.name`, `err.code`, `err.message` (and deeper, `err.cause.name`)
 * its error unless a field called `err` exists; anything else a field, `a.b`
 * reaching into nested ones.
 */
export function fieldValue(record: LogRecord, key: string): unknown {
  if (key === 'tag') return record.tag;
  if (key === 'msg') return record.msg;
  if (key === 'level') return record.level;
  const fields = record.fields;
  if (fields && Object.hasOwn(fields, key)) return fields[key];
  let value: unknown = fields;
  let parts = key.split('.');
  if (parts[0] === 'err' && record.err && !(fields && Object.hasOwn(fields, 'err'))) {
    value = record.err;
    parts = parts.slice(1);
  }
  if (value === undefined) return undefined;
  for (const part of parts) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

const ORDER: Record<Operator, (order: number) => boolean> = {
  '=': (o) => o === 0,
  '!=': (o) => o !== 0,
  '>': (o) => o > 0,
  '>=': (o) => o >= 0,
  '<': (o) => o < 0,
  '<=': (o) => o <= 0,
};

/**
 * Compares a field's value with a condition's: as numbers when the field
 * holds a number and the value reads as one, else as case-insensitive text;
 * levels by severity. A missing field passes only `!=`.
 */
export function compare(actual: unknown, cond: Condition, wanted: number): boolean {
  if (actual === undefined) return cond.op === '!=';
  let order: number;
  if (cond.key === 'level' && typeof actual === 'string') {
    const want = normalizeLevel(cond.value);
    const have = normalizeLevel(actual);
    if (!want || !have) return cond.op === '!=';
    order = LEVELS[have] - LEVELS[want];
  } else if (typeof actual === 'number' && !Number.isNaN(wanted)) order = actual - wanted;
  else {
    const a = (typeof actual === 'string' ? actual : (jsonText(actual) ?? '')).toLowerCase();
    const b = cond.value.toLowerCase();
    order = a < b ? -1 : a > b ? 1 : 0;
  }
  return ORDER[cond.op](order);
}

/** The number a condition's value reads as, or `NaN`. */
export function wantedNumber(cond: Condition): number {
  return cond.value.trim() === '' ? Number.NaN : Number(cond.value);
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : (jsonText(value) ?? String(value));
}

/**
 * Turns a query tree into a test of one record. `now` is the time `since:`
 * counts back from.
 */
export function compileExpr(expr: Expr, now: number): (access: RecordAccess) => boolean {
  switch (expr.type) {
    case 'and': {
      const items = expr.items.map((item) => compileExpr(item, now));
      return (access) => items.every((test) => test(access));
    }
    case 'or': {
      const items = expr.items.map((item) => compileExpr(item, now));
      return (access) => items.some((test) => test(access));
    }
    case 'not': {
      const item = compileExpr(expr.item, now);
      return (access) => !item(access);
    }
    case 'term': {
      const text = expr.text;
      return (access) => access.text().includes(text);
    }
    case 'cond': {
      const { cond } = expr;
      const wanted = wantedNumber(cond);
      return (access) => compare(fieldValue(access.record(), cond.key), cond, wanted);
    }
    case 'regex': {
      const re = new RegExp(expr.source, expr.flags.replace(/[gy]/g, ''));
      const key = expr.key;
      if (key === undefined) return (access) => re.test(stripAnsi(access.record().msg));
      return (access) => {
        const value = fieldValue(access.record(), key);
        return value !== undefined && re.test(asText(value));
      };
    }
    case 'exists': {
      const key = expr.key;
      return (access) => fieldValue(access.record(), key) !== undefined;
    }
    case 'since': {
      const from = now - expr.ms;
      return (access) => access.record().ts >= from;
    }
  }
}
