import { LEVEL_NAMES, type LevelName, normalizeLevel } from '@pulselog/shared';
import { ALL, type FilterState } from '@pulselog/shared/query';

/**
 * Longest search part (`?…`) the page gives its address. The search part
 * travels in the request line of every reload, and a server refuses a long
 * one (Node answers 431 past 16 kB of headers); the fragment (`#…`) never
 * leaves the browser.
 */
export const MAX_SEARCH = 2000;

/** What the page's address holds, as `location` gives it: `?…` and `#…`, or empty. */
export interface Address {
  search: string;
  hash: string;
}

const params = (part: string) => new URLSearchParams(part.replace(/^[?#]/, ''));
const part = (prefix: '?' | '#', values: URLSearchParams) => {
  const text = values.toString();
  return text ? `${prefix}${text}` : '';
};

/** `values` without the filter's parameters (`filterToParams` of the default filter writes none and clears them). */
const withoutFilter = (values: URLSearchParams) => filterToParams(ALL, values);

/**
 * The address that keeps `filter`, from the one the page has: a short
 * filter in the search part (`?q=…&levels=…`), shareable and readable as
 * ever; a long one in the fragment, so a reload never carries it to the
 * server. Other parameters stay where they are.
 */
export function filterToAddress(filter: FilterState, address: Address): Address {
  const search = withoutFilter(params(address.search));
  const hash = withoutFilter(params(address.hash));
  const own = filterToParams(filter);
  const inSearch = new URLSearchParams([...search, ...own]);
  if (part('?', inSearch).length <= MAX_SEARCH) return { search: part('?', inSearch), hash: part('#', hash) };
  return { search: part('?', search), hash: part('#', new URLSearchParams([...hash, ...own])) };
}

/** The filter an address keeps: the fragment's when it holds one, else the search part's. */
export function filterFromAddress(address: Address): FilterState {
  const hash = params(address.hash);
  const inHash = withoutFilter(new URLSearchParams(hash)).toString() !== hash.toString();
  return filterFromParams(inHash ? hash : params(address.search));
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
