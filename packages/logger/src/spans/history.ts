/**
 * What "longer than usual" means for a span: a robust test against the
 * durations of the same name's recent calls. The median and the median
 * absolute deviation (MAD) describe the usual time and its spread without
 * being pulled by the slow calls being looked for, which a mean and standard
 * deviation would be. Pure: no clock, no logger.
 */

/** Calls of a name kept to judge the next one: enough for a stable median, bounded in memory. */
export const HISTORY_SIZE = 200;
/** Calls of a name needed before any is judged: with fewer, every call is "usual". */
export const MIN_HISTORY = 20;
/** How many (scaled) MADs above the median a call must be. */
const MAD_LIMIT = 6;
/** And how many times the median it must take: a tight history must not turn timer jitter into anomalies. */
const RATIO_LIMIT = 3;
/** And by how many milliseconds at least: sub-millisecond noise is never an anomaly. */
const MIN_EXCESS_MS = 1;
/** Scales a MAD to a standard deviation for normally distributed times. */
const MAD_TO_SD = 1.4826;

/** The median of sorted numbers. */
function medianOfSorted(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const ascending = (a: number, b: number) => a - b;

/** A duration as a person reads it: `412 ms`, `3.2 ms`, `12.4 s`. */
export function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${Number(ms.toPrecision(2))} ms`;
}

/**
 * Why `ms` is far outside `history` (durations of earlier calls, any order),
 * for example `412 ms, 9.8x the median of 57 calls`; `undefined` when it is
 * not, or when the history is too short to say.
 */
export function anomalyOf(history: readonly number[], ms: number): string | undefined {
  if (history.length < MIN_HISTORY || !Number.isFinite(ms)) return undefined;
  const sorted = [...history].sort(ascending);
  const median = medianOfSorted(sorted);
  const deviations = sorted.map((d) => Math.abs(d - median)).sort(ascending);
  const spread = MAD_TO_SD * medianOfSorted(deviations);
  const excess = ms - median;
  if (excess < MIN_EXCESS_MS || ms < RATIO_LIMIT * median || excess <= MAD_LIMIT * spread) return undefined;
  const ratio =
    median > 0 ? `${Number((ms / median).toPrecision(2))}x the median` : `above the median of ${formatMs(median)}`;
  return `${formatMs(ms)}, ${ratio} of ${history.length} calls`;
}

/** The recent durations of one span name, oldest replaced first. */
export class DurationHistory {
  private readonly durations: number[] = [];
  private next = 0;

  /** Judges `ms` against the calls so far (see `anomalyOf`), then keeps it for the calls to come. */
  judge(ms: number): string | undefined {
    const anomaly = anomalyOf(this.durations, ms);
    // An anomaly joins the history too: a name that became slow for good is slow's new usual.
    if (this.durations.length < HISTORY_SIZE) this.durations.push(ms);
    else this.durations[this.next] = ms;
    this.next = (this.next + 1) % HISTORY_SIZE;
    return anomaly;
  }

  /** The durations kept, oldest first. */
  values(): number[] {
    if (this.durations.length < HISTORY_SIZE) return [...this.durations];
    return [...this.durations.slice(this.next), ...this.durations.slice(0, this.next)];
  }
}
