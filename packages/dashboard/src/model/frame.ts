/**
 * Runs `fn` once before a coming paint, however often it is asked for until
 * then, and at most once per `minIntervalMs`: while records pour in, the page
 * redraws a dozen times a second instead of every frame, which leaves the main
 * thread to taking them in. A timeout stands in when frames stop (a hidden
 * tab), so work that waits on it still happens.
 */
export function frameThrottle(
  fn: () => void,
  /** Shortest time between two runs, or a function giving it at each request. */
  minIntervalMs: number | (() => number) = 0,
  fallbackMs = 250,
): { request(): void; cancel(): void } {
  let frame: number | undefined;
  let wait: ReturnType<typeof setTimeout> | undefined;
  let fallback: ReturnType<typeof setTimeout> | undefined;
  let pending = false;
  let last = Number.NEGATIVE_INFINITY;
  const cancel = () => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(wait);
    clearTimeout(fallback);
    frame = wait = fallback = undefined;
    pending = false;
  };
  const run = () => {
    cancel();
    last = performance.now();
    fn();
  };
  return {
    request() {
      if (pending) return;
      pending = true;
      const interval = typeof minIntervalMs === 'number' ? minIntervalMs : minIntervalMs();
      const delay = Math.max(0, last + interval - performance.now());
      const schedule = () => {
        frame = requestAnimationFrame(run);
        fallback = setTimeout(run, fallbackMs);
      };
      if (delay > 0) wait = setTimeout(schedule, delay);
      else schedule();
    },
    cancel,
  };
}
