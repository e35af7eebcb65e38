import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

const count = (page: Page) =>
  page.evaluate(() => Number.parseInt(document.querySelector('[data-testid="record-count"]')?.textContent ?? '0', 10));

/** Sequence numbers of the rows in the DOM, ascending. */
const shownSeqs = (page: Page) =>
  page.$$eval('[data-testid="record-list"] [data-seq]', (rows) =>
    rows.map((row) => Number(row.getAttribute('data-seq'))).sort((a, b) => a - b),
  );

const scrollList = (page: Page, top: number) =>
  page.getByTestId('record-list').evaluate((el, to) => {
    el.scrollTop = to;
  }, top);

describe('the logs view on a stream of records', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    script = runScript('app-stream.mjs');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(await script.dashboardUrl());
    await page.waitForFunction(
      () => Number.parseInt(document.querySelector('[data-testid="record-count"]')?.textContent ?? '0', 10) > 2000,
      undefined,
      { timeout: 20_000 },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('follows the tail while records arrive', async () => {
    const before = await count(page);
    await expect.poll(async () => (await shownSeqs(page)).at(-1) ?? 0).toBeGreaterThan(before + 5);
    // The virtual list holds only what is in view.
    expect((await shownSeqs(page)).length).toBeLessThan(80);
  });

  it('stops following when scrolled up, counts new records, and jumps back to the latest', async () => {
    // A scroll that lands in the same frame as a follow step can be overtaken by it, as a
    // user's would; the user scrolls again, and so does the test.
    await expect
      .poll(async () => {
        await scrollList(page, 0);
        return page.getByTestId('jump-latest').count();
      })
      .toBe(1);
    await expect.poll(() => page.getByTestId('jump-latest').textContent()).toMatch(/^\d+ new records ↓$/);
    await page.waitForTimeout(300);
    expect((await shownSeqs(page))[0]).toBe(1);
    const newRecords = Number.parseInt((await page.getByTestId('jump-latest').textContent()) ?? '0', 10);
    expect(newRecords).toBeGreaterThan(0);

    await page.getByTestId('jump-latest').click();
    await expect.poll(() => page.getByTestId('jump-latest').count()).toBe(0);
    const latest = await count(page);
    await expect.poll(async () => (await shownSeqs(page)).at(-1) ?? 0).toBeGreaterThanOrEqual(latest);
  });

  it('jumps to a moment clicked on the timeline', async () => {
    const box = await page.getByTestId('timeline').boundingBox();
    if (!box) throw new Error('no timeline');
    await page.mouse.click(box.x + 1, box.y + box.height / 2);
    await expect.poll(async () => (await shownSeqs(page))[0]).toBe(1);
    await expect.poll(() => page.getByTestId('jump-latest').isVisible()).toBe(true);
  });

  it('follows the system theme, light or dark', async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await background()).toBe('rgb(15, 20, 25)');
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await background()).toBe('rgb(255, 255, 255)');
  });
});
