import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { post } from './http.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function listen(handle: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handle);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/logs`, server };
}

describe('post', () => {
  it('sends the body gzipped, reads status, Retry-After and body, and keeps the connection for the next request', async () => {
    const bodies: string[] = [];
    let connections = 0;
    const { url, server } = await listen((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        expect(req.headers['content-encoding']).toBe('gzip');
        expect(Number(req.headers['content-length'])).toBe(Buffer.concat(chunks).length);
        bodies.push(gunzipSync(Buffer.concat(chunks)).toString());
        res.writeHead(bodies.length === 1 ? 503 : 200, bodies.length === 1 ? { 'retry-after': '7' } : {});
        res.end(bodies.length === 1 ? 'busy' : 'ok');
      });
    });
    server.on('connection', () => connections++);
    const first = await post({ url, headers: { 'x-test': '1' }, body: 'one' }, AbortSignal.timeout(5000));
    const second = await post({ url, headers: {}, body: new TextEncoder().encode('two') }, AbortSignal.timeout(5000));
    expect(bodies).toEqual(['one', 'two']);
    expect(first).toMatchObject({ status: 503, retryAfter: '7', text: 'busy' });
    expect(second).toMatchObject({ status: 200, retryAfter: null, text: 'ok' });
    expect(Buffer.from(second.body).toString()).toBe('ok');
    expect(connections).toBe(1);
  });

  it('gives up when the signal aborts while the server keeps the reply', async () => {
    const { url } = await listen(() => {});
    await expect(post({ url, headers: {}, body: 'x' }, AbortSignal.timeout(100))).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('rejects on a refused connection', async () => {
    const { url, server } = await listen(() => {});
    await new Promise((resolve) => server.close(resolve));
    await expect(post({ url, headers: {}, body: 'x' }, AbortSignal.timeout(5000))).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
  });
});
