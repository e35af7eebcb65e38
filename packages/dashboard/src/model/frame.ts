/**
 * Runs `fn` in a task of its own, once however often it is asked for until
 * then, and at most once per `minIntervalMs`: while records pour in, the page
 * redraws a few times a second instead of every frame, which leaves the main
 * thread to taking them in. Not inside an animation frame, on purpose: the
 * render `fn` sets off then runs in this task, and the browser's style,
 * layout and paint of it in the next frame, two short tasks instead of one
 * long one.
 */
export function updateThrottle(
  fn: () => void,
  /** Shortest time between two runs, or a function giving it at each request. */
  minIntervalMs: number | (() => number) = 0,
): { request(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = Number.NEGATIVE_INFINITY;
  const cancel = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  return {
    request() {
      if (timer !== undefined) return;
      const interval = typeof minIntervalMs === 'number' ? minIntervalMs : minIntervalMs();
      timer = setTimeout(
        () => {
          timer = undefined;
          last = performance.now();
          fn();
        },
        Math.max(0, last + interval - performance.now()),
      );
    },
    cancel,
  };
}
