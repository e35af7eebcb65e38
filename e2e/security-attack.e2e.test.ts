import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type DashboardAddress, health, parseDashboardUrl } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

/** What the hostile page reports for each attempt. */
interface Attempt {
  name: string;
  /** `read` only if the page got log data or stats back. */
  outcome: 'read' | 'failed';
  detail: string;
}

const GUESSED = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * The attack, run in the hostile page: every way a web page could try to
 * reach the dashboard's data, each ending `read` or `failed`. It ends by
 * saying how many it made, so a page that never ran cannot pass for one that
 * was refused.
 */
function attackScript(target: string, realToken: string): string {
  return `
    const target = ${JSON.stringify(target)};
    const tokens = { none: '', guessed: ${JSON.stringify(GUESSED)}, real: ${JSON.stringify(realToken)} };
    const results = [];
    const wsAttempt = (name, url) => new Promise((resolve) => {
      let socket;
      try { socket = new WebSocket(url, 'pulselog.v1'); } catch (e) { resolve({ name, outcome: 'failed', detail: String(e) }); return; }
      const done = (outcome, detail) => { resolve({ name, outcome, detail }); try { socket.close(); } catch {} };
      socket.onmessage = (e) => done('read', String(e.data).slice(0, 80));
      socket.onclose = (e) => done('failed', 'closed ' + e.code);
      socket.onerror = () => done('failed', 'error');
      setTimeout(() => done('failed', 'timeout'), 3000);
    });
    const fetchAttempt = async (name, url, init) => {
      try {
        const res = await fetch(url, init);
        const body = await res.text();
        return { name, outcome: body.includes('uptimeMs') || body.includes('"pid"') ? 'read' : 'failed', detail: res.type + ' ' + res.status };
      } catch (e) { return { name, outcome: 'failed', detail: String(e) }; }
    };
    (async () => {
      const wsBase = target.replace('http', 'ws') + '/ws';
      for (const [kind, token] of Object.entries(tokens)) {
        results.push(await wsAttempt('ws ' + kind, wsBase + (token ? '?token=' + token : '')));
        for (const path of ['/api/health', '/api/session']) {
          const url = target + path + (token ? '?token=' + token : '');
          results.push(await fetchAttempt('fetch ' + path + ' ' + kind, url, {}));
          results.push(await fetchAttempt('fetch no-cors ' + path + ' ' + kind, url, { mode: 'no-cors' }));
          if (token) results.push(await fetchAttempt('fetch bearer ' + path + ' ' + kind, target + path, { headers: { Authorization: 'Bearer ' + token } }));
        }
      }
      window.attackDone = results;
      try { await fetch('/report', { method: 'POST', body: JSON.stringify(results) }); } catch {}
    })();
  `;
}

describe('a hostile web page', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let address: DashboardAddress;
  let hostile: Server;
  let reports: Attempt[][];

  beforeAll(async () => {
    script = runScript('log-1000.mjs');
    address = parseDashboardUrl(await script.dashboardUrl());
    reports = [];
    hostile = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/report') {
        let body = '';
        req.on('data', (c) => {
          body += c;
        });
        req.on('end', () => {
          reports.push(JSON.parse(body));
          res.end('ok');
        });
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><title>cute cats</title><script>${attackScript(address.origin, address.token)}</script>`);
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.2', resolve));
    browser = await launchBrowser([
      `--host-resolver-rules=MAP evil.example 127.0.0.1`,
      // Chromium's own guard for local addresses would refuse first; the test is of the server's.
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights',
    ]);
  });

  afterAll(async () => {
    await browser?.close();
    hostile?.close();
    await script?.kill();
  });

  it('from another origin reads nothing over WebSocket or the API, with or without a token', async () => {
    const refusedBefore = (await health(address)).refused ?? 0;
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.2:${(hostile.address() as AddressInfo).port}/`);
    // The page really ran: it reported every attempt back to its own server.
    await expect.poll(() => reports.length, { timeout: 30_000 }).toBe(1);
    const attempts = reports[0] as Attempt[];
    expect(attempts).toHaveLength(19);
    for (const attempt of attempts) expect(attempt, attempt.name).toMatchObject({ outcome: 'failed' });
    // Refused by the server, not merely unreadable in the browser: every
    // attempt reached it and was turned away, and no socket reached the hub.
    const after = await health(address);
    expect((after.refused ?? 0) - refusedBefore).toBeGreaterThanOrEqual(attempts.length);
    expect(after.clients).toBe(0);
    await page.close();
  });

  it('on a rebound DNS name (same origin as far as the browser knows) is refused by Host', async () => {
    const evil = `http://evil.example:${address.port}`;
    const refusedBefore = (await health(address)).refused ?? 0;
    const page = await browser.context.newPage();
    // The attacker's page first comes from the attacker; then the name points at 127.0.0.1.
    await page.route(`${evil}/cats.html`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>cute cats</title><script>${attackScript(evil, address.token)}</script>`,
      }),
    );
    await page.goto(`${evil}/cats.html`);
    const attempts = (await page
      .waitForFunction(() => (window as unknown as { attackDone?: unknown }).attackDone, undefined, { timeout: 30_000 })
      .then((handle) => handle.jsonValue())) as Attempt[];
    expect(attempts).toHaveLength(19);
    for (const attempt of attempts) expect(attempt, attempt.name).toMatchObject({ outcome: 'failed' });
    // The same-origin fetches did reach the server, which answered 421 to the unknown Host.
    expect(attempts.find((a) => a.name === 'fetch /api/health real')?.detail).toBe('basic 421');
    const after = await health(address);
    expect((after.refused ?? 0) - refusedBefore).toBeGreaterThanOrEqual(attempts.length);
    expect(after.clients).toBe(0);
    await page.close();
  });

  it('tells the dashboard page itself when its token is wrong, instead of retrying for ever', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${address.origin}/#token=${GUESSED}`);
    await expect
      .poll(() => page.locator('[data-state]').first().getAttribute('data-state'), { timeout: 20_000 })
      .toBe('unauthorized');
    expect(await page.getByTestId('record-count').textContent()).toBe('0 records');
    await page.close();
  });
});
