import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { health, parseDashboardUrl } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

const COUNT = 20_000;

describe('20,000 checkpoints of 20 kB', () => {
  let browser: TestBrowser;
  let script: RunningScript;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('leave the dashboard up, its memory small, and each checkpoint’s data a click away', async () => {
    script = runScript('checkpoints-many.mjs', {}, [String(COUNT)]);
    const url = await script.dashboardUrl();
    const address = parseDashboardUrl(url);
    await expect.poll(() => script.stderr(), { timeout: 240_000, interval: 500 }).toMatch(/saved 20000\n/);

    // The hub has taken every checkpoint (400 MB of data) and holds their summaries only.
    await expect.poll(async () => (await health(address)).ok, { timeout: 60_000 }).toBe(true);
    const stats = await health(address);
    expect(stats.memory?.heapUsed).toBeLessThan(128 * 1024 * 1024);

    const page = await browser.context.newPage();
    await page.goto(url);
    await expect
      .poll(() => page.getByRole('tab', { name: /Checkpoints/ }).textContent(), { timeout: 60_000 })
      .toBe(`Checkpoints (${COUNT})`);
    await page.getByRole('tab', { name: /Checkpoints/ }).click();
    await expect.poll(() => page.getByTestId('checkpoints-more').textContent()).toContain(`of ${COUNT} checkpoints`);
    const last = page.locator(`[data-name="checkpoint-${COUNT - 1}"]`);
    await last.getByTestId('checkpoint-data').locator('summary').click();
    await expect.poll(() => last.textContent(), { timeout: 20_000 }).toContain(`end of ${COUNT - 1}`);

    // Records still flow to the tab, and the hub is still up.
    await page.getByRole('tab', { name: 'Logs' }).click();
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 }).toMatch(/[1-9]/);
    expect((await health(address)).ok).toBe(true);
    expect(script.child.exitCode).toBeNull();
  });
});
