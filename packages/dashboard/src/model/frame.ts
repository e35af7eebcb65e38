/**
 * Runs `fn` once before the next paint, however often it is asked for until
 * then. A timeout stands in when frames stop (a hidden tab), so work that
 * waits on it still happens.
 */
export function frameThrottle(fn: () => void, fallbackMs = 250): { request(): void; cancel(): void } {
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const run = () => {
    cancel();
    fn();
  };
  const cancel = () => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    clearTimeout(timer);
    frame = undefined;
    timer = undefined;
  };
  return {
    request() {
      if (frame !== undefined) return;
      frame = requestAnimationFrame(run);
      timer = setTimeout(run, fallbackMs);
    },
    cancel,
  };
}
