import { stat } from 'node:fs/promises';
import { LEVEL_NAMES, type LevelName, type OutputStatus } from '@pulselog/shared';
import { type DropReason, MAX_CHECKPOINT_SERIES, type MetricsSnapshot } from './snapshot.js';

/** What the logging thread knows, as `Logger.stats()` and the core's counters have it. */
export interface MetricsSource {
  /** The logger's name. */
  service: string;
  /** Records of the program's own calls, by level, in `LEVEL_NAMES` order. */
  logged: ArrayLike<number>;
  /** Records taken in from elsewhere, by ingest label, then by level likewise. */
  ingested: ReadonlyMap<string, ArrayLike<number>>;
  /** Drops by reason, as the core's drop ledger counts them. */
  dropReasons: Readonly<Record<Exclude<DropReason, 'undelivered'>, number>>;
  /** Counters of `Logger.stats()`. */
  stats: {
    queues: readonly { size: number; fill: number }[];
    outputs: readonly OutputStatus[];
    sessionFile: string | undefined;
    sessionErrors: number;
    undelivered: number;
    dashboardClients: number;
    dashboardSkipped: number;
    checkpointsSaved: number;
    checkpointErrors: number;
  };
  /** Records each queue holds before overflow applies. */
  queueCapacity: number;
  /** Each checkpoint's progress, most recently saved first, when the store is open. */
  checkpointProgress?: () => { name: string; progress: number }[];
}

/**
 * The figures `/metrics` shows, made on the logging thread when a scrape asks.
 * The session file's size is read from the file system (asynchronously), so
 * nothing is added to the pipeline's work to count it.
 */
export async function collectMetrics(source: MetricsSource): Promise<MetricsSnapshot> {
  const { stats } = source;
  const records: MetricsSnapshot['records'] = { app: byLevel(source.logged) };
  for (const [label, counts] of source.ingested) records[label] = byLevel(counts);
  let queued = 0;
  let queueFillMax = 0;
  for (const q of stats.queues) {
    queued += q.size;
    queueFillMax = Math.max(queueFillMax, q.fill);
  }
  return {
    service: source.service,
    records,
    dropped: { ...source.dropReasons, undelivered: stats.undelivered },
    queued,
    queueFillMax,
    queueCapacity: source.queueCapacity,
    outputs: stats.outputs.map((o) => ({ ...o })),
    sessionFileBytes: stats.sessionFile === undefined ? undefined : await fileSize(stats.sessionFile),
    sessionErrors: stats.sessionErrors,
    dashboardClients: stats.dashboardClients,
    dashboardSkipped: stats.dashboardSkipped,
    checkpointsSaved: stats.checkpointsSaved,
    checkpointErrors: stats.checkpointErrors,
    checkpointProgress: (source.checkpointProgress?.() ?? []).slice(0, MAX_CHECKPOINT_SERIES),
  };
}

function byLevel(counts: ArrayLike<number>): Partial<Record<LevelName, number>> {
  const out: Partial<Record<LevelName, number>> = {};
  LEVEL_NAMES.forEach((level, slot) => {
    out[level] = counts[slot] ?? 0;
  });
  return out;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    // Not made yet, or recording failed: 0 bytes written.
    return undefined;
  }
}
