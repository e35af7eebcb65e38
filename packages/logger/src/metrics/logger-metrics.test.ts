import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryPipeline, testSetup } from '../core/test-support.js';
import { INGEST } from '../ingest.js';
import { Logger } from '../logger.js';

const TOKEN = 'unit-metrics-token-0123456789abcdef';
let log: Logger | undefined;
afterEach(async () => {
  await log?.shutdown();
  log = undefined;
});

/** The value of `series` in a text exposition, or `undefined`. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A GET with the given `Host`, which `fetch` will not send. */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host, authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('logger metrics', () => {
  it('serves on metricsPort the records by source and level, drops by reason and the queue fill', async () => {
    const pipeline = new MemoryPipeline();
    pipeline.holding = true;
    log = new Logger('svc', testSetup(pipeline, { queueSize: 16, metricsPort: 0, token: TOKEN, host: '127.0.0.1' }));
    // Saved first: a save hands everything queued before it to the pipeline.
    log.save('epoch-3', { loss: 0.4 }, { progress: 30 });
    log.save('epoch-4', { loss: 0.3 }, { progress: 40 });
    log.save('no-progress', {});
    for (let i = 0; i < 40; i++) log.info('tick', { i });
    log.error('failed');
    log[INGEST]('pino')(
      [Date.now(), Date.now()],
      [',"level":"warning","msg":"from pino"}', ',"level":"info","msg":"x"}'],
    );

    const url = await log.metricsUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(url as string, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(value(text, 'pulselog_records_total{source="app",level="info",service="svc"}')).toBe(40);
    expect(value(text, 'pulselog_records_total{source="app",level="error",service="svc"}')).toBe(1);
    expect(value(text, 'pulselog_records_total{source="pino",level="warning",service="svc"}')).toBe(1);
    expect(value(text, 'pulselog_records_total{source="pino",level="info",service="svc"}')).toBe(1);
    // The root queue held 16 of the 41 calls; the oldest 25 went.
    expect(value(text, 'pulselog_dropped_total{reason="overflow",service="svc"}')).toBe(25);
    expect(value(text, 'pulselog_queue_records{service="svc"}')).toBe(18);
    expect(value(text, 'pulselog_queue_fill_ratio{service="svc"}')).toBe(1);
    expect(value(text, 'pulselog_queue_capacity_records{service="svc"}')).toBe(16);
    expect(value(text, 'pulselog_checkpoints_saved_total{service="svc"}')).toBe(3);
    expect(value(text, 'pulselog_checkpoint_progress{checkpoint="epoch-4",service="svc"}')).toBe(40);
    expect(value(text, 'pulselog_checkpoint_progress{checkpoint="epoch-3",service="svc"}')).toBe(30);
    expect(text).not.toContain('checkpoint="no-progress"');
    expect(log.stats().dropped).toBe(25);
  });

  it('refuses a scrape without the token, with a wrong one, or naming another host', async () => {
    log = new Logger('svc', testSetup(new MemoryPipeline(), { metricsPort: 0, token: TOKEN }));
    const url = (await log.metricsUrl()) as string;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(`${url}?token=wrong-${TOKEN}`)).status).toBe(401);
    expect((await fetch(`${url}?token=${TOKEN}`)).status).toBe(200);
    expect((await fetch(url.replace('/metrics', '/'), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(
      404,
    );
    expect(await getWithHost(url, 'attacker.example:80')).toBe(421);
  });

  it('starts no metrics server unless metricsPort is set', async () => {
    log = new Logger('svc', testSetup(new MemoryPipeline()));
    expect(await log.metricsUrl()).toBeUndefined();
  });
});
