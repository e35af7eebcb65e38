/** First wait after a connection is lost, in milliseconds. */
export const FIRST_RETRY_MS = 250;

/**
 * Longest wait between two attempts. A new run on the same port gives an open
 * tab about 1.5 s to reconnect before it opens another one, so a tab that has
 * waited for minutes must still try at least once a second. One refused
 * loopback connection a second costs the browser next to nothing.
 */
export const MAX_RETRY_MS = 1000;

/**
 * How long to wait before reconnect attempt number `attempt` (1 for the first
 * after a loss): 250 ms, 500 ms, then once a second for as long as it takes.
 */
export function retryDelay(attempt: number): number {
  if (!(attempt > 1)) return FIRST_RETRY_MS;
  // Past 2 the doubling would pass the cap anyway; clamping the exponent keeps huge counts finite.
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt - 1, 8));
}
