import { writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { CLOSE_UNAUTHORIZED, WS_PATH } from '@pulselog/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hub } from './hub.js';
import { startServer } from './server.js';
import { chunk, connect, rawGet, startTestHub, type TestHub, TOKEN, testSession } from './test-support.js';

/** Sends a WebSocket upgrade by hand and returns the status line of the answer. */
function upgradeStatus(port: number, headers: Record<string, string>, path = `${WS_PATH}?token=${TOKEN}`) {
  return new Promise<string>((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => {
      const all = {
        Host: `127.0.0.1:${port}`,
        Upgrade: 'websocket',
        Connection: 'Upgrade',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Protocol': 'pulselog.v1',
        ...headers,
      };
      const lines = Object.entries(all).map(([k, v]) => `${k}: ${v}`);
      socket.write(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    });
    let data = '';
    socket.setEncoding('utf8').on('data', (c: string) => {
      data += c;
      if (data.includes('\r\n')) {
        socket.destroy();
        resolve(data.slice(0, data.indexOf('\r\n')));
      }
    });
    socket.on('error', reject);
  });
}

describe('dashboard server', () => {
  let t: TestHub;
  let port: number;
  beforeAll(async () => {
    t = await startTestHub();
    port = t.server.port;
    writeFileSync(join(t.staticDir, '..', 'pulselog-secret.txt'), 'outside the static folder');
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves the page with CSP, nosniff and no framing', async () => {
    const res = await rawGet(port, '/');
    expect(res.status).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it.each([
    '/../pulselog-secret.txt',
    '/%2e%2e/pulselog-secret.txt',
    '/%2E%2E%2Fpulselog-secret.txt',
    '/..%2fpulselog-secret.txt',
    '/assets/..%2F..%2Fpulselog-secret.txt',
    '/index.html%00.js',
    '/%00',
    '/%E0%A4%A',
  ])('keeps static files inside their folder: %s', async (path) => {
    const res = await rawGet(port, path);
    expect(res.status).toBe(404);
    expect(res.body).not.toContain('outside the static folder');
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it("serves a checkpoint's data to a request with the token only", async () => {
    t.hub.checkpoint({ type: 'checkpoint', op: 'upsert', checkpoint: { name: 'run a/b', data: { w: [1, 2] }, ts: 7 } });
    const path = `/api/checkpoint?name=${encodeURIComponent('run a/b')}`;
    expect((await rawGet(port, path)).status).toBe(401);
    const res = await rawGet(port, `${path}&token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    expect(JSON.parse(res.body)).toEqual({ name: 'run a/b', ts: 7, data: { w: [1, 2] } });
    expect((await rawGet(port, `/api/checkpoint?name=missing&token=${TOKEN}`)).status).toBe(404);
  });

  it('refuses any request naming another host (DNS rebinding)', async () => {
    for (const host of [`evil.example:${port}`, 'evil.example', `127.0.0.1:${port + 1}`, `localhost.evil:${port}`]) {
      expect((await rawGet(port, '/', { Host: host })).status).toBe(421);
      expect((await rawGet(port, `/api/health?token=${TOKEN}`, { Host: host })).status).toBe(421);
      expect(await upgradeStatus(port, { Host: host, Origin: `http://${host}` })).toContain('421');
    }
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`]) {
      expect((await rawGet(port, '/', { Host: host })).status).toBe(200);
    }
  });

  it('answers the API only with the token and never to another origin', async () => {
    expect((await rawGet(port, '/api/health')).status).toBe(401);
    expect((await rawGet(port, '/api/health?token=guessed-token-0123456789ab')).status).toBe(401);
    const foreign = await rawGet(port, `/api/health?token=${TOKEN}`, { Origin: 'http://127.0.0.2:8080' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).not.toContain('uptimeMs');
    // A no-cors request from another site carries no Origin, but the browser names the site.
    const noCors = await rawGet(port, `/api/health?token=${TOKEN}`, { 'Sec-Fetch-Site': 'cross-site' });
    expect(noCors.status).toBe(403);
    const ok = await rawGet(port, '/api/health', { Authorization: `Bearer ${TOKEN}`, 'Sec-Fetch-Site': 'same-origin' });
    expect(ok.status).toBe(200);
  });

  it('refuses WebSocket upgrades from other origins, with or without the token', async () => {
    for (const origin of ['http://127.0.0.2:8080', 'null', `https://127.0.0.1:${port}`, 'http://evil.example']) {
      expect(await upgradeStatus(port, { Origin: origin })).toContain('403');
      expect(await upgradeStatus(port, { Origin: origin }, `${WS_PATH}?token=guessed`)).toContain('403');
    }
    expect(await upgradeStatus(port, {})).toContain('403');
    expect(await upgradeStatus(port, { Origin: t.origin })).toContain('101');
  });

  it('tells its own page that the token is wrong and sends it nothing', async () => {
    t.hub.append(chunk(1, 10));
    const client = connect(t.origin, { token: 'guessed-token-0123456789ab' });
    expect(await client.closed).toEqual({ code: CLOSE_UNAUTHORIZED, reason: 'token missing or wrong' });
    expect(client.messages).toEqual([]);
  });

  it('reports clients, records, drops, replay use and uptime at /api/health', async () => {
    const client = connect(t.origin);
    await client.until(() => client.seqs.length === 10);
    t.hub.noteDropped(11, 12, 2);
    const res = await rawGet(port, `/api/health?token=${TOKEN}`);
    expect(res.headers['cache-control']).toBe('no-store');
    const health = JSON.parse(res.body);
    expect(health).toMatchObject({
      ok: true,
      clients: 1,
      received: 10,
      sent: 10,
      dropped: 2,
      replay: { records: 10, firstSeq: 1, lastSeq: 10 },
    });
    expect(health.uptimeMs).toBeGreaterThan(0);
    client.ws.close();
  });
});

function listenOn(port: number): Promise<Server | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Holds `count` consecutive ports, free ones found from a random start. */
async function holdPorts(count: number): Promise<{ first: number; servers: Server[] }> {
  for (;;) {
    const first = 20_000 + Math.floor(Math.random() * 20_000);
    const servers: Server[] = [];
    for (let i = 0; i < count; i++) {
      const server = await listenOn(first + i);
      if (!server) break;
      servers.push(server);
    }
    if (servers.length === count) return { first, servers };
    for (const server of servers) server.close();
  }
}

describe('dashboard server ports', () => {
  const options = (port: number, portRange: number) => ({
    host: '127.0.0.1',
    port,
    portRange,
    token: TOKEN,
    staticDir: '/nonexistent',
    session: testSession(),
    maxRecords: 1000,
    maxBytes: 1 << 20,
    otlpMaxBytes: 1 << 20,
  });

  it('takes the first free port after the taken ones, and fails when all in range are taken', async () => {
    const { first, servers } = await holdPorts(2);
    try {
      const hub = new Hub(testSession(), 1000, 1 << 20);
      await expect(startServer(options(first, 1), hub)).rejects.toMatchObject({
        code: 'EADDRINUSE',
        message: expect.stringContaining(`ports ${first} to ${first + 1} on 127.0.0.1 are all taken`),
      });
      const free = await listenOn(first + 2);
      if (!free) return; // Someone else took it meanwhile; the refusal above is what matters.
      free.close();
      await new Promise((r) => setTimeout(r, 20));
      const server = await startServer(options(first, 2), hub);
      expect(server.port).toBe(first + 2);
      expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${first + 2}/#token=`));
      await server.close();
    } finally {
      for (const server of servers) server.close();
    }
  });
});
