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
 */
export function useThrottled(version: unknown, ms: number, costMs = 0): unknown {
  const [drawn, setDrawn] = useState(version);
  const last = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    if (drawn === version) return;
    const wait = Math.max(0, last.current + Math.max(ms, costMs / PANEL_SHARE) - performance.now());
    const timer = setTimeout(() => {
      last.current = performance.now();
      setDrawn(version);
    }, wait);
    return () => clearTimeout(timer);
  }, [version, drawn, ms, costMs]);
  return drawn;
}
