import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from './registry.js';
import type { MetricsSnapshot } from './snapshot.js';

function snapshot(over: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return {
    service: 'train',
    records: { app: { info: 7, error: 2 }, otlp: { warning: 3 } },
    dropped: { overflow: 4, unencodable: 1, closed: 0, undelivered: 0 },
    queued: 12,
    queueFillMax: 0.25,
    queueCapacity: 100_000,
    outputs: [
      {
        name: 'otlp',
        written: 9,
        failed: 1,
        dropped: 2,
        backlog: 5,
        errors: 3,
        sent: 6,
        retrying: 4,
        spooled: 3,
        rejected: 1,
        retries: 8,
        lastError: 'HTTP 503',
      },
    ],
    sessionFileBytes: 4096,
    sessionErrors: 0,
    dashboardClients: 2,
    dashboardSkipped: 0,
    checkpointsSaved: 1,
    checkpointErrors: 0,
    checkpointProgress: [{ name: 'epoch-5', progress: 50 }],
    ...over,
  };
}

/** The value of the series `name{labels}` in a text exposition, or `undefined`. */
function value(text: string, series: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return undefined;
}

describe('MetricsRegistry', () => {
  it('renders records by source and level, drops by reason and each output in the text format', async () => {
    const text = await (await MetricsRegistry.create()).render(snapshot());
    expect(text).toContain('# TYPE pulselog_records_total counter');
    expect(value(text, 'pulselog_records_total{source="app",level="info",service="train"}')).toBe(7);
    expect(value(text, 'pulselog_records_total{source="app",level="debug",service="train"}')).toBe(0);
    expect(value(text, 'pulselog_records_total{source="otlp",level="warning",service="train"}')).toBe(3);
    expect(value(text, 'pulselog_dropped_total{reason="overflow",service="train"}')).toBe(4);
    expect(value(text, 'pulselog_output_sent_total{output="otlp",service="train"}')).toBe(6);
    expect(value(text, 'pulselog_output_retrying_records{output="otlp",service="train"}')).toBe(4);
    expect(value(text, 'pulselog_output_spooled_records{output="otlp",service="train"}')).toBe(3);
    expect(value(text, 'pulselog_output_backlog_records{output="otlp",service="train"}')).toBe(5);
    expect(value(text, 'pulselog_session_file_bytes{service="train"}')).toBe(4096);
    expect(value(text, 'pulselog_dashboard_clients{service="train"}')).toBe(2);
    expect(value(text, 'pulselog_queue_fill_ratio{service="train"}')).toBe(0.25);
    expect(value(text, 'pulselog_checkpoint_progress{checkpoint="epoch-5",service="train"}')).toBe(50);
    // prom-client's default process metrics come along.
    expect(text).toMatch(/^process_resident_memory_bytes\{service="train"\} \d+/m);
    expect(text).toMatch(/^nodejs_version_info\{/m);
  });

  it('shows each render the totals of its own snapshot, not a sum of the renders before', async () => {
    const registry = await MetricsRegistry.create();
    await registry.render(snapshot());
    const text = await registry.render(snapshot({ records: { app: { info: 9 } }, outputs: [] }));
    expect(value(text, 'pulselog_records_total{source="app",level="info",service="train"}')).toBe(9);
    expect(value(text, 'pulselog_records_total{source="otlp",level="warning",service="train"}')).toBeUndefined();
    expect(text).not.toContain('output="otlp"');
  });
});
