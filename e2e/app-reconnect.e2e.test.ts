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

  it('retries after the dashboard of another project on its port refused it, and catches its own next run', async () => {
    const own = await fakeBrowserProject('pulselog-e2e-refused-');
    const { url, page } = await firstRunInTab(own, browser, scripts, 'log-1000.mjs', 1000);
    await (scripts.at(-1) as RunningScript).kill();

    // Another project (its own token) takes the port: the tab's token is refused there.
    const other = await fakeBrowserProject('pulselog-e2e-other-');
    const stranger = runScript(
      'log-1000.mjs',
      { ...other.env, PULSELOG_OPEN: '0', PULSELOG_PORT: own.env.PULSELOG_PORT as string },
      [],
      {
        cwd: other.project,
      },
    );
    scripts.push(stranger);
    await stranger.dashboardUrl();
    await expect
      .poll(() => page.locator('.status [data-state]').textContent(), { timeout: 20_000 })
      .toMatch(/^access refused/);
    await stranger.kill();

    const again = runScript('log-1000.mjs', own.env, [], { cwd: own.project });
    scripts.push(again);
    expect(await again.dashboardUrl()).toBe(url);
    await expect.poll(() => page.locator('.status [data-state]').textContent(), { timeout: 20_000 }).toBe('live');
    await page.close();
  });
});
