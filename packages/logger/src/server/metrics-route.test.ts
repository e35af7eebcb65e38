import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsEndpoint } from '../metrics/endpoint.js';
import type { MetricsSnapshot } from '../metrics/snapshot.js';
import { Hub } from './hub.js';
import type { HubOptions } from './messages.js';
import { type DashboardServer, startServer } from './server.js';
import { rawGet, TOKEN, testSession } from './test-support.js';

const figures: MetricsSnapshot = {
  service: 'dash',
  records: { app: { info: 3 } },
  dropped: { overflow: 0, unencodable: 0, closed: 0, undelivered: 0 },
  queued: 0,
  queueFillMax: 0,
  queueCapacity: 16,
  outputs: [],
  sessionFileBytes: 10,
  sessionErrors: 0,
  dashboardClients: 1,
  dashboardSkipped: 0,
  checkpointsSaved: 0,
  checkpointErrors: 0,
  checkpointProgress: [],
};

describe('dashboard server /metrics', () => {
  let server: DashboardServer;
  let asked = 0;
  beforeAll(async () => {
    const options: HubOptions = {
      host: '127.0.0.1',
      port: 0,
      portRange: 0,
      token: TOKEN,
      staticDir: mkdtempSync(join(tmpdir(), 'pulselog-static-')),
      session: testSession(),
      otlpMaxBytes: 1 << 20,
      maxRecords: 1000,
      maxBytes: 1 << 20,
    };
    const endpoint: MetricsEndpoint = new MetricsEndpoint(() => {
      asked++;
      endpoint.take(figures);
    });
    server = await startServer(options, new Hub(options.session, 1000, 1 << 20), undefined, undefined, endpoint);
  });
  afterAll(() => server.close());

  it('answers a scraper with the token, as a bearer header or a query parameter', async () => {
    const bearer = await rawGet(server.port, '/metrics', { Authorization: `Bearer ${TOKEN}` });
    expect(bearer.status).toBe(200);
    expect(bearer.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(bearer.body).toMatch(/^pulselog_records_total\{source="app",level="info",service="dash"\} 3$/m);
    expect((await rawGet(server.port, `/metrics?token=${TOKEN}`)).status).toBe(200);
    expect(asked).toBe(2);
  });

  it('refuses a request without the token, from another site, naming another host, or not a GET', async () => {
    expect((await rawGet(server.port, '/metrics')).status).toBe(401);
    expect((await rawGet(server.port, '/metrics', { Authorization: `Bearer x${TOKEN}` })).status).toBe(401);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await rawGet(server.port, '/metrics', { ...auth, Origin: 'http://evil.example' })).status).toBe(403);
    expect((await rawGet(server.port, '/metrics', { ...auth, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    expect((await rawGet(server.port, '/metrics', { ...auth, Host: 'evil.example' })).status).toBe(421);
    expect(asked).toBe(2);
  });
});
