/**
 * The figures `/metrics` shows, as the logging thread sends them to the
 * thread that serves HTTP (the dashboard hub, or the `metricsPort` worker):
 * plain data, copied between threads, read by `MetricsRegistry`.
 */
import type { LevelName, OutputStatus } from '@pulselog/shared';

/** Why records were lost, as `pulselog_dropped_total{reason}` names it. */
export type DropReason = 'overflow' | 'unencodable' | 'closed' | 'undelivered';

/** Checkpoints whose progress `/metrics` shows: a series each, so bounded. */
export const MAX_CHECKPOINT_SERIES = 100;

/** Everything `/metrics` reports about a logger, at one moment. */
export interface MetricsSnapshot {
  /** The logger's name: the `service` label of every series. */
  service: string;
  /** Records logged, by where they came from (`app` for the program's own calls, else the ingest label) and level. */
  records: Record<string, Partial<Record<LevelName, number>>>;
  /** Records lost, by reason. */
  dropped: Record<DropReason, number>;
  /** Records waiting in the logger's queues. */
  queued: number;
  /** Fill (0 to 1) of the fullest queue. */
  queueFillMax: number;
  /** Records each queue holds before overflow applies. */
  queueCapacity: number;
  /** Each output's counters. */
  outputs: OutputStatus[];
  /** Bytes of the session file written so far, when one is written. */
  sessionFileBytes: number | undefined;
  /** Failed writes of the session file. */
  sessionErrors: number;
  /** Connected dashboard clients. */
  dashboardClients: number;
  /** Records the dashboard was passed over for. */
  dashboardSkipped: number;
  /** Checkpoints saved by this process. */
  checkpointsSaved: number;
  /** Checkpoint saves, removals and reads that failed. */
  checkpointErrors: number;
  /** Progress (0 to 100) of the checkpoints that have one, most recently saved first, at most `MAX_CHECKPOINT_SERIES`. */
  checkpointProgress: { name: string; progress: number }[];
}
