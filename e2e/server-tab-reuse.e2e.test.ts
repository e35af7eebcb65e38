import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { health, parseDashboardUrl } from './support/client.js';
import { type FakeBrowserProject, fakeBrowserProject, firstRunInTab } from './support/fake-browser.js';
import { type RunningScript, runScript } from './support/script.js';

describe('one dashboard tab across runs', () => {
  let browser: TestBrowser;
  const scripts: RunningScript[] = [];
  let fake: FakeBrowserProject;

  beforeAll(async () => {
    browser = await launchBrowser();
    // The "browser" the logger opens writes down the URL; the test then opens it in Chromium.
    fake = await fakeBrowserProject('pulselog-e2e-project-');
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(scripts.map((s) => s.kill()));
  });

  it('opens the browser on the first run and lets the next run reuse the tab', async () => {
    const { url, page } = await firstRunInTab(fake, browser, scripts, 'log-1000.mjs', 1000);
    const first = scripts[0] as RunningScript;

    await first.kill();
    const second = runScript('log-1000.mjs', fake.env, [], { cwd: fake.project });
    scripts.push(second);
    // Same project, same port, same token: the tab left open finds the new run by itself.
    expect(await second.dashboardUrl()).toBe(url);
    await expect
      .poll(() => second.stderr(), { timeout: 20_000 })
      .toContain('pulselog: an open dashboard tab reconnected; no new tab opened');
    expect(fake.opened()).toEqual([url]);
    // That tab now holds the second run's records.
    await expect.poll(async () => (await health(parseDashboardUrl(url))).sent, { timeout: 20_000 }).toBe(1000);
    expect((await health(parseDashboardUrl(url))).clients).toBe(1);
    await page.close();
  });
});
