import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A value that follows `version` at most once every `ms` milliseconds (the
 * first change at once): a panel recomputed from a million rows keeps up with
 * a stream without recomputing for every batch of records.
 */
export function useThrottled(version: unknown, ms: number): unknown {
  const [drawn, setDrawn] = useState(version);
  const last = useRef(Number.NEGATIVE_INFINITY);
  useEffect(() => {
    if (drawn === version) return;
    const wait = Math.max(0, last.current + ms - performance.now());
    const timer = setTimeout(() => {
      last.current = performance.now();
      setDrawn(version);
    }, wait);
    return () => clearTimeout(timer);
  }, [version, drawn, ms]);
  return drawn;
}
