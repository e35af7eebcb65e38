import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type DashboardAddress, health, parseDashboardUrl } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

/** The extensions a browser-like client (offering permessage-deflate) ends up with. */
function negotiated(address: DashboardAddress): Promise<string> {
  const ws = new WebSocket(`ws://127.0.0.1:${address.port}/ws?token=${address.token}`, 'pulselog.v1', {
    origin: address.origin,
  });
  return new Promise((resolve, reject) => {
    ws.on('open', () => {
      resolve(ws.extensions);
      ws.close();
    });
    ws.on('error', reject);
  });
}

const WARNING = /pulselog: warning: the dashboard listens on 0\.0\.0\.0, reachable from other machines/;

describe('dashboard bind address', () => {
  const scripts: RunningScript[] = [];
  afterAll(async () => {
    await Promise.all(scripts.map((s) => s.kill()));
  });

  it('binds loopback by default, without a warning', async () => {
    const script = runScript('log-1000.mjs');
    scripts.push(script);
    const url = await script.dashboardUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect(script.stderr()).not.toMatch(/warning/);
    // Nothing to gain from compressing on loopback, and half the throughput to lose.
    expect(await negotiated(parseDashboardUrl(url))).toBe('');
  });

  it('warns when it binds every interface, and still prints a loopback URL that works', async () => {
    const script = runScript('log-1000.mjs', { PULSELOG_HOST: '0.0.0.0' });
    scripts.push(script);
    const url = await script.dashboardUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    await expect.poll(() => script.stderr()).toMatch(WARNING);
    expect((await health(parseDashboardUrl(url))).ok).toBe(true);
    // Reachable from other machines, where bandwidth counts: batches are compressed.
    expect(await negotiated(parseDashboardUrl(url))).toContain('permessage-deflate');
  });
});
