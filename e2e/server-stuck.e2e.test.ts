import { describe, expect, it } from 'vitest';
import { parseDashboardUrl, rawClient } from './support/client.js';
import { runScript } from './support/script.js';

const LINGER_MS = 2000;

describe('an authorised client that never reads', () => {
  it('does not hold the exit past linger', async () => {
    const script = runScript('server-stuck.mjs', { PULSELOG_LINGER: String(LINGER_MS) });
    try {
      const client = rawClient(parseDashboardUrl(await script.dashboardUrl()));
      await client.until(() => client.others.some((m) => m.type === 'hello'));
      // Subscribed (the resume went with the hello), then reads nothing more: the kernel's buffers fill and stay full.
      await client.until(() => client.others.some((m) => m.type === 'stats'));
      (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      script.child.stdin?.write('go\n');
      // The linger wait starts with its notice; the client has not read everything, so the wait is sat out.
      await expect.poll(() => script.stderr(), { timeout: 30_000 }).toMatch(/waiting up to 2 s/);
      const lingerFrom = Date.now();
      expect(await script.exited).toEqual({ code: 0, signal: null });
      // The end's grace for tabs to read the last records and close is not spent on a client that reads nothing.
      expect(Date.now() - lingerFrom).toBeLessThan(LINGER_MS + 1000);
      client.ws.terminate();
    } finally {
      await script.kill();
    }
  });
});
