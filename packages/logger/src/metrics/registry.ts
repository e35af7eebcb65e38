import type { Registry } from 'prom-client';
import type { MetricsSnapshot } from './snapshot.js';

type PromClient = typeof import('prom-client');
type Series = ReturnType<typeof makeSeries>;

/** The `Content-Type` of what `MetricsRegistry.render` returns: the Prometheus text format 0.0.4. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Levels every `pulselog_records_total` shows for the program's own calls, 0 until one is logged, so that a query finds them. */
const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;

/** Every series pulselog reports, registered in `registry`. */
function makeSeries(prom: PromClient, registry: Registry) {
  const counter = (name: string, help: string, labelNames: string[] = []) =>
    new prom.Counter({ name, help, labelNames, registers: [registry] });
  const gauge = (name: string, help: string, labelNames: string[] = []) =>
    new prom.Gauge({ name, help, labelNames, registers: [registry] });
  const output = ['output'];
  const counters = {
    records: counter(
      'pulselog_records_total',
      'Records logged, by source (app: the program; otlp, pino: taken in) and level.',
      ['source', 'level'],
    ),
    dropped: counter('pulselog_dropped_total', 'Records lost, by reason.', ['reason']),
    written: counter('pulselog_output_written_total', 'Records each output took.', output),
    sent: counter('pulselog_output_sent_total', 'Records the backend of each output acknowledged.', output),
    failed: counter('pulselog_output_failed_total', 'Records in failed writes or refused by the backend.', output),
    outputDropped: counter(
      'pulselog_output_dropped_total',
      'Records an output dropped: backlog or spool full.',
      output,
    ),
    rejected: counter('pulselog_output_rejected_total', 'Records the backend refused for good.', output),
    retries: counter('pulselog_output_retries_total', 'Failed attempts that were retried.', output),
    errors: counter('pulselog_output_errors_total', 'Failures of each output.', output),
    sessionErrors: counter('pulselog_session_file_errors_total', 'Failed writes of the session file.'),
    skipped: counter('pulselog_dashboard_skipped_total', 'Records the dashboard was passed over for.'),
    checkpointsSaved: counter('pulselog_checkpoints_saved_total', 'Checkpoints saved by this process.'),
    checkpointErrors: counter('pulselog_checkpoint_errors_total', 'Checkpoint saves, removals and reads that failed.'),
  };
  const gauges = {
    queued: gauge('pulselog_queue_records', "Records waiting in the logger's queues."),
    fill: gauge('pulselog_queue_fill_ratio', 'Fill of the fullest queue, 0 to 1.'),
    capacity: gauge('pulselog_queue_capacity_records', 'Records each queue holds before overflow applies.'),
    backlog: gauge('pulselog_output_backlog_records', 'Records waiting for each output.', output),
    retrying: gauge('pulselog_output_retrying_records', 'Records waiting for a retry, in memory or spooled.', output),
    spooled: gauge('pulselog_output_spooled_records', "Records in each output's disk spool.", output),
    fileBytes: gauge('pulselog_session_file_bytes', 'Bytes of the session file written.'),
    clients: gauge('pulselog_dashboard_clients', 'Connected dashboard clients.'),
    checkpointProgress: gauge(
      'pulselog_checkpoint_progress',
      'Progress (0 to 100) of each checkpoint saved with one.',
      ['checkpoint'],
    ),
  };
  return { counters, gauges };
}

/**
 * A `MetricsSnapshot` in the Prometheus text format, through `prom-client`,
 * with its default Node process metrics beside it. `prom-client` is loaded by
 * `create`, on the first scrape: a program nobody scrapes never loads it.
 *
 * The counters mirror totals the logger keeps itself: each render sets them
 * from the snapshot (a counter restarts only when the process does, as
 * Prometheus expects).
 */
export class MetricsRegistry {
  private readonly registry: Registry;
  private readonly counters: Series['counters'];
  private readonly gauges: Series['gauges'];
  /** Renders one at a time: each sets every series, then reads them all. */
  private rendering: Promise<unknown> = Promise.resolve();

  private constructor(prom: PromClient) {
    this.registry = new prom.Registry();
    prom.collectDefaultMetrics({ register: this.registry });
    const { counters, gauges } = makeSeries(prom, this.registry);
    this.counters = counters;
    this.gauges = gauges;
  }

  /** Loads `prom-client` and makes a registry; throws when the package cannot be loaded. */
  static async create(): Promise<MetricsRegistry> {
    return new MetricsRegistry(await import('prom-client'));
  }

  /** The snapshot's figures and the process metrics, in the Prometheus text format. */
  render(snapshot: MetricsSnapshot): Promise<string> {
    const next = this.rendering.then(() => {
      this.set(snapshot);
      return this.registry.metrics();
    });
    this.rendering = next.catch(() => undefined);
    return next;
  }

  private set(s: MetricsSnapshot): void {
    const c = this.counters;
    const g = this.gauges;
    this.registry.setDefaultLabels({ service: s.service });
    for (const metric of [...Object.values(c), ...Object.values(g)]) metric.reset();
    for (const level of LEVELS) c.records.inc({ source: 'app', level }, 0);
    for (const [source, byLevel] of Object.entries(s.records)) {
      for (const [level, count] of Object.entries(byLevel)) c.records.inc({ source, level }, count ?? 0);
    }
    for (const [reason, count] of Object.entries(s.dropped)) c.dropped.inc({ reason }, count);
    for (const o of s.outputs) {
      const labels = { output: o.name };
      c.written.inc(labels, o.written);
      c.sent.inc(labels, o.sent ?? 0);
      c.failed.inc(labels, o.failed);
      c.outputDropped.inc(labels, o.dropped);
      c.rejected.inc(labels, o.rejected ?? 0);
      c.retries.inc(labels, o.retries ?? 0);
      c.errors.inc(labels, o.errors);
      g.backlog.set(labels, o.backlog);
      g.retrying.set(labels, o.retrying ?? 0);
      g.spooled.set(labels, o.spooled ?? 0);
    }
    c.sessionErrors.inc(s.sessionErrors);
    c.skipped.inc(s.dashboardSkipped);
    c.checkpointsSaved.inc(s.checkpointsSaved);
    c.checkpointErrors.inc(s.checkpointErrors);
    g.queued.set(s.queued);
    g.fill.set(s.queueFillMax);
    g.capacity.set(s.queueCapacity);
    if (s.sessionFileBytes !== undefined) g.fileBytes.set(s.sessionFileBytes);
    g.clients.set(s.dashboardClients);
    for (const { name, progress } of s.checkpointProgress) g.checkpointProgress.set({ checkpoint: name }, progress);
  }
}
