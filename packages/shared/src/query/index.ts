/**
 * The query language of the dashboard's search box, and the tests of records
 * against it: the page filters its store with them, and `pulselog mcp` searches
 * session files with the same words. Pure code: no Node, no DOM.
 */
export * from './ansi.js';
export * from './filter.js';
export * from './json.js';
export * from './match.js';
export * from './query.js';
export * from './text.js';
