import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

/** Messages of the rows the list shows now, in seq order. */
function shownMessages(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="record-list"] [data-seq]', (rows) =>
    rows
      .sort((a, b) => Number(a.getAttribute('data-seq')) - Number(b.getAttribute('data-seq')))
      .map((row) => row.querySelector('.msg')?.textContent ?? ''),
  );
}

describe('pino habits and trace correlation, from the built package to the page', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    script = runScript('api-habits.mjs');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(await script.dashboardUrl());
    await page.waitForFunction(
      () => document.querySelector('[data-testid="record-count"]')?.textContent === '8 records',
      undefined,
      { timeout: 20_000 },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('shows records logged in pino’s orders with their fields, errors and the trace level', async () => {
    expect(await shownMessages(page)).toEqual([
      'signed in',
      'cache probe',
      'while uploading',
      'import failed',
      'order received',
      'order stored',
      'order received',
      'order stored',
    ]);
    const probe = page.locator('.row', { hasText: 'cache probe' });
    expect(await probe.getAttribute('data-level')).toBe('trace');
    expect(await probe.locator('.badge').textContent()).toBe('TRACE');
    expect(await page.locator('.row', { hasText: 'signed in' }).locator('.chip').allTextContents()).toEqual([
      'user_id=7',
    ]);
    await page.locator('.row', { hasText: 'import failed' }).click();
    const detail = page.getByTestId('detail');
    expect(await detail.locator('.error-head').allTextContents()).toEqual(['TypeError: bad csv']);
    await page.locator('.row', { hasText: 'while uploading' }).click();
    expect(await detail.locator('.error-head').allTextContents()).toEqual([
      'Error: upload failed',
      'caused by Error: socket closed',
    ]);
  });

  it('shows a traced record’s ids, and a click on its trace id lists that trace’s records alone', async () => {
    await page.locator('.row', { hasText: 'order stored' }).last().click();
    const traceLink = page.getByTestId('filter-trace');
    const traceId = (await traceLink.textContent()) ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(await page.getByTestId('filter-span').textContent()).toMatch(/^[0-9a-f]{16}$/);
    await traceLink.click();
    await expect.poll(() => shownMessages(page)).toEqual(['order received', 'order stored']);
    expect(await page.locator('input[type="search"]').inputValue()).toBe(`trace:${traceId}`);
    const seqs = await page.$$eval('[data-testid="record-list"] [data-seq]', (rows) =>
      rows.map((row) => Number(row.getAttribute('data-seq'))),
    );
    expect(seqs.sort((a, b) => a - b)).toEqual([7, 8]);
  });
});
