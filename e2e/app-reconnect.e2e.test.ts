import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type FakeBrowserProject, fakeBrowserProject } from './support/fake-browser.js';
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
    const first = runScript('log-1000.mjs', fake.env, [], { cwd: fake.project });
    scripts.push(first);
    const url = await first.dashboardUrl();
    await expect.poll(() => fake.opened(), { timeout: 20_000 }).toEqual([url]);
    const page = await browser.context.newPage();
    await page.goto(url);
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 }).toBe('1000 records');

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
