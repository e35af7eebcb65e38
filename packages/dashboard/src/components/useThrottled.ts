import { useEffect, useRef, useState } from 'preact/hooks';

/** Share of the main thread a panel recomputed from every row may take while records stream in. */
export const PANEL_SHARE = 0.05;

/**
 * A value that follows `version` at most once every `ms` milliseconds (the
 * first change at once): a panel recomputed from a million rows keeps up with
 * a stream without recomputing for every batch of records. `costMs`, what
 * the panel's last pass took, stretches the wait so that the passes take at
 * most `PANEL_SHARE` of the time: a pass over every row grows with the rows,
 * and at a fixed pace it would take more and more of the time the page has
 * for taking records in.
 *
 * A change that comes once the wait is over is taken in the render it comes
 * with, so the panel redraws in the same frame as the list; one that comes
 * before is taken by a timer at the end of the wait.
 */
export function useThrottled(version: unknown, ms: number, costMs = 0): unknown {
  const interval = Math.max(ms, costMs / PANEL_SHARE);
  const shown = useRef({ version, at: Number.NEGATIVE_INFINITY });
  const [, wake] = useState(0);
  const now = performance.now();
  if (shown.current.version !== version && now - shown.current.at >= interval) shown.current = { version, at: now };
  const drawn = shown.current.version;
  useEffect(() => {
    if (drawn === version) return;
    const timer = setTimeout(
      () => {
        shown.current = { version, at: performance.now() };
        wake((n) => n + 1);
      },
      Math.max(0, shown.current.at + interval - performance.now()),
    );
    return () => clearTimeout(timer);
  }, [version, drawn, interval]);
  return drawn;
}
