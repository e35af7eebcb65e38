import { ALL, type FilterState, filterFromParams, filterToParams } from './filter.js';

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
