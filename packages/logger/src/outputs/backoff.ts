/**
 * When to try again after a failed delivery: exponential backoff with full
 * jitter (so outputs of many processes that failed together do not return
 * together), unless the server said when with `Retry-After`.
 */

/** Bounds of the backoff, in milliseconds. */
export interface BackoffBounds {
  /** Delay cap of the first retry. */
  baseMs: number;
  /** Longest delay, whatever the attempt or the server asks. */
  maxMs: number;
}

/**
 * The delay before retry number `attempt` (1 for the first): a random time
 * up to `baseMs * 2^(attempt-1)`, capped at `maxMs`; or the server's
 * `Retry-After` (seconds or an HTTP date), capped the same. `random` is
 * `Math.random` but for tests.
 */
export function retryDelay(
  attempt: number,
  bounds: BackoffBounds,
  retryAfter: string | null | undefined,
  now = Date.now(),
  random: () => number = Math.random,
): number {
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== undefined) return Math.min(asked, bounds.maxMs);
  const cap = Math.min(bounds.maxMs, bounds.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * cap);
}

/** A `Retry-After` header as milliseconds from `now`: delay-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
