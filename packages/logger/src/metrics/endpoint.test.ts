import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsEndpoint } from './endpoint.js';
import type { MetricsSnapshot } from './snapshot.js';

const figures = (info: number): MetricsSnapshot => ({
  service: 'svc',
  records: { app: { info } },
  dropped: { overflow: 0, unencodable: 0, closed: 0, undelivered: 0 },
  queued: 0,
  queueFillMax: 0,
  queueCapacity: 16,
  outputs: [],
  sessionFileBytes: undefined,
  sessionErrors: 0,
  dashboardClients: 0,
  dashboardSkipped: 0,
  checkpointsSaved: 0,
  checkpointErrors: 0,
  checkpointProgress: [],
});

let server: Server | undefined;
afterEach(() => server?.close());

/** Serves `endpoint` on a loopback port; its URL. */
async function serve(endpoint: MetricsEndpoint): Promise<string> {
  server = createServer((_req, res) => void endpoint.serve(res, {}, false));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

describe('MetricsEndpoint', () => {
  it('asks the logging thread on each scrape and answers with what it sends', async () => {
    let asked = 0;
    const endpoint: MetricsEndpoint = new MetricsEndpoint(() => {
      asked++;
      setTimeout(() => endpoint.take(figures(asked * 10)), 5);
    });
    const url = await serve(endpoint);
    expect(await (await fetch(url)).text()).toMatch(/^pulselog_records_total\{.*level="info".*\} 10$/m);
    expect(await (await fetch(url)).text()).toMatch(/^pulselog_records_total\{.*level="info".*\} 20$/m);
    expect(asked).toBe(2);
  });

  it('serves the last figures when the logging thread is too busy to answer, and 503 before it ever did', async () => {
    let answer = true;
    const endpoint: MetricsEndpoint = new MetricsEndpoint(() => {
      if (answer) endpoint.take(figures(7));
    });
    const url = await serve(endpoint);
    expect((await fetch(url)).status).toBe(200);
    answer = false;
    const stale = await fetch(url);
    expect(stale.status).toBe(200);
    expect(await stale.text()).toMatch(/level="info".*\} 7$/m);

    const silent = new MetricsEndpoint(() => {});
    server?.close();
    const res = await fetch(await serve(silent));
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
  });
});
