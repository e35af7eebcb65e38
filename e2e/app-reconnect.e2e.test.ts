import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type FakeBrowserProject, fakeBrowserProject, firstRunInTab } from './support/fake-browser.js';
import { type RunningScript, runScript } from './support/script.js';

/** How long the tab is left waiting with no server: long enough for a backoff capped at a few seconds to miss the next run. */
const IDLE_MS = 8000;

describe('a dashboard tab left waiting', () => {
  let browser: TestBrowser;
  const scripts: RunningScript[] = [];
  let fake: FakeBrowserProject;

  beforeAll(async () => {
    browser = await launchBrowser();
    // The "browser" the logger opens writes down the URL; the test then opens it in Chromium.
    fake = await fakeBrowserProject('pulselog-e2e-reconnect-');
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(scripts.map((s) => s.kill()));
  });

  it('shows that it waits and still catches a run started many seconds later', async () => {
    const { url, page } = await firstRunInTab(fake, browser, scripts, 'log-1000.mjs', 1000);
    const first = scripts[0] as RunningScript;

    await first.kill();
    // The tab says it is waiting, with the attempts it has made so far.
    await expect
      .poll(() => page.locator('.status [data-state]').textContent(), { timeout: 20_000 })
      .toMatch(/^reconnecting… \(attempt \d+\)$|^ended · waiting for the next run$/);
    await page.waitForTimeout(IDLE_MS);

    const second = runScript('log-1000.mjs', fake.env, [], { cwd: fake.project });
    scripts.push(second);
    expect(await second.dashboardUrl()).toBe(url);
    await expect
      .poll(() => second.stderr(), { timeout: 20_000 })
      .toContain('pulselog: an open dashboard tab reconnected; no new tab opened');
    expect(fake.opened()).toEqual([url]);
    await expect.poll(() => page.locator('.status [data-state]').textContent(), { timeout: 20_000 }).toBe('live');
    await page.close();
  });
});
