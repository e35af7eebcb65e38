import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDashboardUrl } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

/** Holds a port on 127.0.0.1 the way another program would. */
function occupy(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function session(url: string): Promise<{ pid: number }> {
  const { origin, token } = parseDashboardUrl(url);
  const res = await fetch(`${origin}/api/session`, { headers: { Authorization: `Bearer ${token}` } });
  return (await res.json()) as { pid: number };
}

describe('dashboard ports', () => {
  const scripts: RunningScript[] = [];
  let blocker: Server | undefined;

  afterAll(async () => {
    blocker?.close();
    await Promise.all(scripts.map((s) => s.kill()));
  });

  it('takes the next free port when the first is taken, and two scripts at once get one each', async () => {
    // A random base keeps this clear of other programs and of parallel runs.
    let base = 0;
    for (let attempt = 0; attempt < 20 && !blocker; attempt++) {
      base = 20_000 + Math.floor(Math.random() * 20_000);
      blocker = await occupy(base);
    }
    expect(blocker).toBeDefined();
    const a = runScript('log-1000.mjs', { PULSELOG_PORT: String(base) });
    const b = runScript('log-1000.mjs', { PULSELOG_PORT: String(base) });
    scripts.push(a, b);
    const [urlA, urlB] = await Promise.all([a.dashboardUrl(), b.dashboardUrl()]);
    const portA = parseDashboardUrl(urlA).port;
    const portB = parseDashboardUrl(urlB).port;
    expect(portA).not.toBe(base);
    expect(portB).not.toBe(base);
    expect(portA).not.toBe(portB);
    expect([portA, portB].every((p) => p > base && p <= base + 20)).toBe(true);
    // Each printed URL leads to its own script's dashboard.
    expect((await session(urlA)).pid).toBe(a.child.pid);
    expect((await session(urlB)).pid).toBe(b.child.pid);
  });
});
