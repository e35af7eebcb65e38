/**
 * Click-to-filter: the query text with one `key=value` condition added, as
 * the query language reads it (`query.ts`). Pure, so the facets panel, the
 * rows' chips and the detail panel all refine a query the same way.
 */

/** A value a click can filter on: what a field holds, when it is not an object or array. */
export type Scalar = string | number | boolean | null;

/** True when `value` can become a condition. */
export function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

const BARE = /^[\w.@+:][\w.@:/+-]*$/;

/** A value as the query language reads it back: bare when it can be, else quoted. */
export function queryValue(value: Scalar): string {
  const text = typeof value === 'string' ? value : String(value);
  // A value starting with `/` would read as a regex, `*` as presence; quotes have no escape.
  if (BARE.test(text) && text !== '*') return text;
  return `"${text.replace(/"/g, '')}"`;
}

/**
 * `query` with `key=value` added (or `-key=value` when `exclude`); a
 * condition the query already ends with is not added twice, and its opposite
 * is replaced.
 */
export function refineQuery(query: string, key: string, value: Scalar, exclude = false): string {
  const condition = `${key}=${queryValue(value)}`;
  const want = exclude ? `-${condition}` : condition;
  const opposite = exclude ? condition : `-${condition}`;
  const words = query.trim() === '' ? [] : query.trim().split(/\s+/);
  const kept = words.filter((w) => w !== opposite);
  if (!kept.includes(want)) kept.push(want);
  return kept.join(' ');
}

const KEY = /^[A-Za-z_$@][\w$@.-]*$/;

/** True when the query language can name `key` in a condition. */
export function isQueryKey(key: string): boolean {
  return KEY.test(key);
}
