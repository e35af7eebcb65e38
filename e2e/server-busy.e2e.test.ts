import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

describe('dashboard server off the main thread', () => {
  let script: RunningScript;
  let browser: TestBrowser;

  beforeAll(async () => {
    script = runScript('server-busy.mjs');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('serves a new tab the page and the backlog while the main thread is pinned', async () => {
    const url = await script.dashboardUrl();
    await expect.poll(() => script.stderr(), { timeout: 20_000 }).toContain('busy\n');
    const pinnedAt = Date.now();

    const page = await browser.context.newPage();
    await page.goto(url);
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 30_000 }).toBe('10000 records');
    // The main thread is still in its loop: it has not said it is free, and
    // it cannot have, since the loop only ends once the test releases it.
    expect(script.stderr()).not.toContain('free after');
    // Held for at least 3 s in all, page load included.
    await new Promise((r) => setTimeout(r, Math.max(0, 3000 - (Date.now() - pinnedAt))));
    expect(script.stderr()).not.toContain('free after');

    writeFileSync(join(script.cwd, 'release'), '');
    await expect.poll(() => script.stderr(), { timeout: 10_000 }).toMatch(/free after (\d+) ms/);
    const pinnedMs = Number(/free after (\d+) ms/.exec(script.stderr())?.[1]);
    expect(pinnedMs).toBeGreaterThanOrEqual(3000);
  });
});
