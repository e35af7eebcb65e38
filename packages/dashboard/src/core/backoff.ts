/** First wait after a connection is lost, in milliseconds. */
export const FIRST_RETRY_MS = 250;

/**
 * Longest wait between two attempts. A new run on the same port gives an open
 * tab about 1.5 s to reconnect before it opens another one, so a tab that has
 * waited for minutes must still try at least once a second. Under a second,
 * because a browser runs the timers of a tab in the background on whole-second
 * ticks: a 1 s wait there can become 2 s, a 750 ms one stays within 1 s. One refused
 * loopback connection a second costs the browser next to nothing.
 */
export const MAX_RETRY_MS = 750;

/**
 * How long to wait before reconnect attempt number `attempt` (1 for the first
 * after a loss): 250 ms, 500 ms, then 750 ms for as long as it takes.
 */
export function retryDelay(attempt: number): number {
  if (!(attempt > 1)) return FIRST_RETRY_MS;
  // Past 2 the doubling would pass the cap anyway; clamping the exponent keeps huge counts finite.
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempt - 1, 8));
}
