import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

/** What the status bar says the tab holds and received. */
const held = (page: Page) =>
  page.getByTestId('record-count').evaluate((el) => ({
    held: Number(el.getAttribute('data-held')),
    received: Number(el.getAttribute('data-received')),
    text: el.textContent ?? '',
  }));

/** The order number (`n`) of each row the list draws, top to bottom. */
const shownOrders = (page: Page) =>
  page.$$eval('[data-testid="record-list"] [data-seq]', (rows) =>
    rows
      .sort((a, b) => Number(a.getAttribute('data-seq')) - Number(b.getAttribute('data-seq')))
      .map((row) => Number(/order (\d+)/.exec(row.querySelector('.msg')?.textContent ?? '')?.[1] ?? -1)),
  );

/** The order at the top of the list's viewport. */
const topOrder = (page: Page) =>
  page.getByTestId('record-list').evaluate((list) => {
    const top = list.getBoundingClientRect().top;
    const rows = [...list.querySelectorAll('[data-seq]')].filter((row) => row.getBoundingClientRect().bottom > top + 2);
    rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
    return Number(/order (\d+)/.exec(rows[0]?.querySelector('.msg')?.textContent ?? '')?.[1] ?? -1);
  });

const shown = async (page: Page) => Number.parseInt((await page.getByTestId('shown-count').textContent()) ?? '', 10);
const search = (page: Page) => page.getByRole('searchbox', { name: 'search and filter' });

describe('a tab told to hold 5,000 records, on a program that logs 20,000', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    script = runScript('tab-cap.mjs');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    const url = new URL(await script.dashboardUrl());
    url.searchParams.set('keep', '5000');
    await page.goto(url.toString());
    await page.waitForFunction(
      () => document.querySelector('[data-testid="record-count"]')?.getAttribute('data-received') === '20000',
      undefined,
      { timeout: 30_000 },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('holds the newest 5,000 at most and says how many it received', async () => {
    const status = await held(page);
    expect(status.held).toBeLessThanOrEqual(5000);
    expect(status.held).toBeGreaterThanOrEqual(4500);
    expect(status.text).toBe(
      `${status.held.toLocaleString('en')} of 20,000 records held; older ones are in the session file`,
    );
    // Following the tail: the newest rows, none older than the ones held.
    await expect.poll(async () => (await shownOrders(page)).at(-1)).toBe(20_000);
    expect(Math.min(...(await shownOrders(page)))).toBeGreaterThan(20_000 - status.held);
    expect(await shown(page)).toBe(status.held);
  });

  it('counts levels and filters on the records held', async () => {
    const { held: count } = await held(page);
    const first = 20_001 - count;
    const warnings = Math.floor(20_000 / 10) - Math.floor((first - 1) / 10);
    expect(await page.locator('[data-level="warning"] .toggle-count').textContent()).toBe(String(warnings));
    await search(page).fill('level=warning shard=2');
    await expect.poll(() => shown(page)).toBe(warnings / 2);
    await search(page).fill('"order 19999"');
    await expect.poll(() => shown(page)).toBe(1);
    // An order that left the tab is not found.
    await search(page).fill(`"order ${first - 1}"`);
    await expect.poll(() => page.getByTestId('empty').textContent()).toBe('No records match.');
    await search(page).fill('');
    await expect.poll(() => shown(page)).toBe(count);
  });

  it('keeps the rows a user reads in place while older ones leave, and stays responsive', async () => {
    // Scrolled up to the middle of what it holds: no longer following.
    const list = page.getByTestId('record-list');
    await expect
      .poll(async () => {
        await list.evaluate((el) => {
          el.scrollTop = el.scrollHeight / 2;
        });
        return page.getByTestId('jump-latest').count();
      })
      .toBe(1);
    await page.waitForTimeout(300);
    const reading = await topOrder(page);
    expect(reading).toBeGreaterThan(17_000);
    script.child.stdin?.write('more 1500\n');
    await expect.poll(async () => (await held(page)).received, { timeout: 30_000 }).toBe(21_500);
    const after = await held(page);
    expect(after.held).toBeLessThanOrEqual(5000);
    expect(Math.min(...(await shownOrders(page)))).toBeGreaterThan(21_500 - after.held);
    // Older rows left above it, and the row read is still at the top.
    await page.waitForTimeout(300);
    expect(await topOrder(page)).toBe(reading);
    // A click opens the record; keys move through the rows.
    await page
      .locator(`[data-testid="record-list"] .row:has-text("order ${reading + 2}")`)
      .first()
      .click();
    await expect.poll(() => page.getByTestId('detail').textContent()).toContain(`order ${reading + 2}`);
    await page.keyboard.press('j');
    await expect.poll(() => page.getByTestId('detail').textContent()).toContain(`order ${reading + 3}`);
    await page.getByTestId('jump-latest').click();
    await expect.poll(async () => (await shownOrders(page)).at(-1)).toBe(21_500);
  });

  it('says so when the selected record leaves the tab', async () => {
    const { held: count } = await held(page);
    const oldest = 21_501 - count;
    await search(page).fill(`"order ${oldest}"`);
    await expect.poll(() => shown(page)).toBe(1);
    await page.locator('[data-testid="record-list"] .row').first().click();
    await expect.poll(() => page.getByTestId('detail').textContent()).toContain(`order ${oldest}`);
    script.child.stdin?.write('more 1000\n');
    await expect.poll(async () => (await held(page)).received, { timeout: 30_000 }).toBe(22_500);
    await expect
      .poll(() => page.getByTestId('detail-evicted').textContent())
      .toMatch(/^Record #\d+ has left this tab, which holds the newest 5,000 records; it is in the session file\.$/);
    expect(await shown(page)).toBe(0);
  });
});
