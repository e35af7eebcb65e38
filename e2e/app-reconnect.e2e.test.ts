import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

/** How long the tab is left waiting with no server: long enough for a backoff capped at a few seconds to miss the next run. */
const IDLE_MS = 8000;

/** A port nothing listens on right now, from a random start so parallel runs do not meet. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

const opened = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

describe('a dashboard tab left waiting', () => {
  let browser: TestBrowser;
  const scripts: RunningScript[] = [];
  let project: string;
  let openLog: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    browser = await launchBrowser();
    project = mkdtempSync(join(tmpdir(), 'pulselog-e2e-reconnect-'));
    openLog = join(project, 'opened.txt');
    const fakeBrowser = join(project, 'fake-browser.sh');
    writeFileSync(fakeBrowser, `#!/bin/sh\necho "$1" >> '${openLog}'\n`);
    chmodSync(fakeBrowser, 0o755);
    env = { PULSELOG_OPEN: '1', PULSELOG_PORT: String(await freePort()), BROWSER: fakeBrowser };
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(scripts.map((s) => s.kill()));
  });

  it('shows that it waits and still catches a run started many seconds later', async () => {
    const first = runScript('log-1000.mjs', env, [], { cwd: project });
    scripts.push(first);
    const url = await first.dashboardUrl();
    await expect.poll(() => opened(openLog), { timeout: 20_000 }).toEqual([url]);
    const page = await browser.context.newPage();
    await page.goto(url);
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 }).toBe('1000 records');

    await first.kill();
    // The tab says it is waiting, with the attempts it has made so far.
    await expect
      .poll(() => page.locator('.status [data-state]').textContent(), { timeout: 20_000 })
      .toMatch(/^reconnecting… \(attempt \d+\)$|^ended · waiting for the next run$/);
    await page.waitForTimeout(IDLE_MS);

    const second = runScript('log-1000.mjs', env, [], { cwd: project });
    scripts.push(second);
    expect(await second.dashboardUrl()).toBe(url);
    await expect
      .poll(() => second.stderr(), { timeout: 20_000 })
      .toContain('pulselog: an open dashboard tab reconnected; no new tab opened');
    expect(opened(openLog)).toEqual([url]);
    await expect.poll(() => page.locator('.status [data-state]').textContent(), { timeout: 20_000 }).toBe('live');
    await page.close();
  });
});
