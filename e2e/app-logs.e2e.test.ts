import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { detailText } from './support/rows.js';
import { type RunningScript, runScript } from './support/script.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

declare global {
  interface Window {
    __csp?: string[];
    __pwned?: number;
  }
}

/** Messages of the rows the list shows now. */
function shownMessages(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="record-list"] [data-seq]', (rows) =>
    rows
      .sort((a, b) => Number(a.getAttribute('data-seq')) - Number(b.getAttribute('data-seq')))
      .map((row) => row.querySelector('.msg')?.textContent ?? ''),
  );
}

describe('the dashboard app on a live session', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    script = runScript('app-mixed.mjs');
    browser = await launchBrowser();
    // Installed before any page script runs, so every CSP violation is caught.
    await browser.context.addInitScript(() => {
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (event) => {
        window.__csp?.push(`${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    page = await browser.context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(await script.dashboardUrl());
    await page.waitForFunction(
      () => document.querySelector('[data-testid="record-count"]')?.textContent === '29 records',
      undefined,
      { timeout: 20_000 },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('draws levels, tags, chips, dividers and ANSI colours, and keeps markup as text', async () => {
    const messages = await shownMessages(page);
    expect(messages).toContain('<img src=x onerror="window.__pwned=1">');
    expect(messages).toContain('red alert and green bold');
    expect(await page.locator('[data-testid="record-list"] img').count()).toBe(0);
    expect(await page.evaluate(() => window.__pwned)).toBeUndefined();
    expect(await page.locator('.divider').last().textContent()).toBe('phase 2');
    await page.getByTestId('record-list').evaluate((el) => {
      el.scrollTop = 0;
    });
    await expect.poll(() => page.locator('.divider').first().textContent()).toBe('setup');
    await page.getByTestId('jump-latest').click();
    const red = page.locator('.ansi', { hasText: 'red alert' });
    expect(await red.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(205, 49, 49)');
    const warning = page.locator('.row[data-level="warning"]').first();
    expect(await warning.locator('.badge').textContent()).toBe('WARNING');
    expect(await warning.locator('.tag').textContent()).toBe('training');
    expect(await warning.locator('.chip').allTextContents()).toEqual(['lr=0.5']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}app-logs.png` });
  });

  it('toggles levels with live counts', async () => {
    const debug = page.getByRole('button', { name: /^DEBUG/ });
    expect(await debug.textContent()).toBe('DEBUG 1');
    expect(await page.getByRole('button', { name: /^INFO/ }).textContent()).toBe('INFO 22');
    await debug.click();
    await expect.poll(() => debug.getAttribute('aria-pressed')).toBe('false');
    await expect.poll(() => shownMessages(page)).not.toContain('reading config');
    expect(page.url()).toContain('levels=trace%2Cinfo%2Cwarning%2Cerror%2Ccritical');
    await debug.click();
    await expect.poll(() => shownMessages(page)).toContain('reading config');
  });

  it('searches case-insensitively with highlights and filters on fields, kept in the URL', async () => {
    const search = page.getByRole('searchbox', { name: 'search and filter' });
    await search.fill('ITEMS/1');
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('11 shown');
    const marks = await page.locator('[data-testid="record-list"] mark').allTextContents();
    expect(marks.length).toBeGreaterThanOrEqual(11);
    expect(new Set(marks.map((m) => m.toLowerCase()))).toEqual(new Set(['items/1']));

    await search.fill('status>=500 tag:training');
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('0 shown');
    await search.fill('status>=500');
    await expect
      .poll(() => shownMessages(page))
      .toEqual(['GET /items/0', 'GET /items/7', 'GET /items/14', 'request failed']);
    await search.fill('user_id=42');
    await expect.poll(() => shownMessages(page)).toEqual(['epoch done']);
    expect(new URL(page.url()).searchParams.get('q')).toBe('user_id=42');

    // A reload (or a shared link) keeps the filter; the records come back too.
    await page.reload();
    await expect.poll(() => shownMessages(page), { timeout: 10_000 }).toEqual(['epoch done']);
    expect(await page.getByRole('searchbox', { name: 'search and filter' }).inputValue()).toBe('user_id=42');
    await page.getByRole('searchbox', { name: 'search and filter' }).fill('');
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('29 shown');
  });

  it('keeps a 20 kB filter through a reload, in the fragment, out of the request line', async () => {
    const search = page.getByRole('searchbox', { name: 'search and filter' });
    const long = `user_id=42 ${'epoch '.repeat(3500)}`.trim();
    expect(long.length).toBeGreaterThan(20_000);
    await search.fill(long);
    await expect.poll(() => shownMessages(page)).toEqual(['epoch done']);
    await expect.poll(() => new URL(page.url()).hash.length).toBeGreaterThan(20_000);
    expect(new URL(page.url()).search).toBe('');

    const response = await page.reload();
    expect(response?.status()).toBe(200);
    await expect.poll(() => shownMessages(page), { timeout: 10_000 }).toEqual(['epoch done']);
    expect(await search.inputValue()).toBe(long);
    // Shortened again, the filter goes back to the search part, as a shared link has it.
    await search.fill('user_id=42');
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('user_id=42');
    expect(new URL(page.url()).hash).toBe('');
    await search.fill('');
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('29 shown');
  });

  it('reads OR, NOT, -term, parentheses, regexes, presence, error fields and since:, and says what is wrong', async () => {
    const search = page.getByRole('searchbox', { name: 'search and filter' });
    const shown = () => page.getByTestId('shown-count').textContent();
    const cases: [string, number][] = [
      ['items/1 OR epoch', 12],
      ['GET -items/1', 9],
      ['(status>=500 OR level>=critical) NOT items', 2],
      ['/^GET \\/items\\/\\d$/', 10],
      ['user_id=/^1\\d$/', 10],
      ['loss:*', 1],
      ['err.name=TypeError err.cause.code:ECONNREFUSED', 1],
      ['since:10m', 29],
    ];
    for (const [query, count] of cases) {
      await search.fill(query);
      await expect.poll(shown, { message: query }).toBe(`${count} shown`);
      expect(await page.getByTestId('query-error').count()).toBe(0);
    }
    await search.fill('status>=');
    await expect.poll(() => page.getByTestId('query-error').textContent()).toBe('status>= needs a value after >=');
    expect(await shown()).toBe('29 shown');
    await search.fill('');
    await expect.poll(() => page.getByTestId('query-error').count()).toBe(0);
  });

  it('opens a record in detail: stack with cause chain, trace ids, fields tree, copy as JSON', async () => {
    const text = await detailText(page, 'request failed');
    const detail = page.getByTestId('detail');
    expect(text).toContain('TypeError: upstream unavailable');
    expect(text).toContain('caused by Error: connection refused [ECONNREFUSED]');
    expect(await detail.locator('.stack').count()).toBe(2);
    expect(await detail.locator('.json-key').allTextContents()).toEqual(['status: ']);
    await detail.getByTestId('copy-json').click();
    await expect.poll(() => detail.getByTestId('copy-json').textContent()).toBe('Copied');
    await page.screenshot({ path: `${ARTIFACTS}app-detail.png` });

    await page.locator('[data-seq] .msg', { hasText: 'GET /items/3' }).click();
    expect(await detail.locator('.trace').textContent()).toBe('trace_idtrace-3span_idspan-3');
  });

  it('works from the keyboard: / search, j/k move, Enter detail, g/G ends, f follow', async () => {
    await page.getByRole('button', { name: 'close detail' }).click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    const selected = () => page.locator('[aria-selected="true"][data-seq]').getAttribute('data-seq');
    // The list renders in a task of its own after each key: poll for what it shows.
    await expect.poll(selected).toBe('1');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await expect.poll(selected).toBe('2');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('detail-msg').textContent()).toBe('reading config');
    await page.keyboard.press('G');
    await expect.poll(selected).toBe('29');
    await page.keyboard.press('f');
    await expect.poll(() => page.getByTestId('jump-latest').isVisible()).toBe(true);
    await page.keyboard.press('f');
    await expect.poll(() => page.getByTestId('jump-latest').count()).toBe(0);
    await expect.poll(() => page.getByRole('listbox').getAttribute('aria-label')).toBe('log records, 29 shown');
  });

  it('keeps a time range dragged on the timeline, in the URL', async () => {
    const box = await page.getByTestId('timeline').boundingBox();
    if (!box) throw new Error('no timeline');
    // Every record falls in the session's first moments: a range from its start keeps them all,
    // one starting a few seconds later keeps none.
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 4, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('0 shown');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x - 20, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('shown-count').textContent()).toBe('29 shown');
    // Dragged past the strip's start: the range is open on that side.
    expect(new URL(page.url()).searchParams.has('from')).toBe(false);
    expect(new URL(page.url()).searchParams.has('to')).toBe(true);
    await page.getByTestId('clear-range').click();
    expect(new URL(page.url()).searchParams.has('to')).toBe(false);
  });

  it('shows a card per checkpoint with status, progress, note and data', async () => {
    await page.getByRole('tab', { name: /Checkpoints/ }).click();
    const cards = page.getByTestId('checkpoint');
    await expect.poll(() => cards.count()).toBe(3);
    expect(await page.locator('.card .status').allTextContents()).toEqual(['DONE', 'IN_PROGRESS', 'FAILED']);
    expect(await page.getByTestId('overall-progress').textContent()).toBe('50%');
    const epoch2 = page.locator('[data-name="epoch-2"]');
    expect(await epoch2.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('40');
    expect(await epoch2.locator('.card-note').textContent()).toBe('running');
    // The data comes from the logger when the card's data is opened.
    await epoch2.getByTestId('checkpoint-data').locator('summary').click();
    await expect.poll(() => epoch2.locator('.json-key').allTextContents()).toEqual(['loss: ']);
    await page.screenshot({ path: `${ARTIFACTS}app-checkpoints.png` });
    await page.getByRole('tab', { name: 'Logs' }).click();
  });

  it('produced no CSP violation and no page error', async () => {
    expect(await page.evaluate(() => window.__csp)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
