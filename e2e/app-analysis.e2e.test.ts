import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
/** Records the training run logs: 3 dividers, 600 steps, a warning, a failure, 12 evaluations, the end. */
const RECORDS = 618;

const shown = (page: Page) => page.getByTestId('shown-count').textContent();
const search = (page: Page) => page.getByRole('searchbox', { name: 'search and filter' });
const facetValue = (page: Page, key: string, value: string) =>
  page.locator(`.facet[data-key="${key}"] .facet-value`, { has: page.locator('.facet-label', { hasText: value }) });

describe('the dashboard as an analysis tool, on a training run', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    script = runScript('app-training.mjs');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 860 });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(await script.dashboardUrl());
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="record-count"]')?.textContent === want,
      `${RECORDS} records`,
      { timeout: 30_000 },
    );
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('lists facets of the records shown and filters on a click, out on Alt-click', async () => {
    const facets = page.getByTestId('facets');
    await expect.poll(() => facetValue(page, 'tag', 'eval').textContent()).toBe('eval12');
    expect(await facetValue(page, 'tag', 'train').textContent()).toBe('train602');
    expect(await facets.locator('.facet[data-key="loss"] [data-testid="facet-stats"]').textContent()).toMatch(
      /^min 0\.\d+median 0\.\d+max 2\.\d+$/,
    );
    await page.screenshot({ path: `${ARTIFACTS}analysis-facets.png` });

    await facetValue(page, 'tag', 'eval').click();
    await expect.poll(() => shown(page)).toBe('12 shown');
    expect(await search(page).inputValue()).toBe('tag=eval');
    // The panel follows: only the evaluations' fields are left.
    await expect.poll(() => facets.locator('.facet[data-key="val_loss"] .facet-present').textContent()).toBe('12');
    await expect.poll(() => facets.locator('.facet[data-key="lr"]').count()).toBe(0);

    await search(page).fill('');
    await facetValue(page, 'level', 'info').click({ modifiers: ['Alt'] });
    // The warning and the failure, each under the divider of its epoch.
    await expect.poll(() => shown(page)).toBe('4 shown');
    expect(await page.locator('.divider').allTextContents()).toEqual(['epoch 2', 'epoch 3']);
    expect(await search(page).inputValue()).toBe('-level=info');
    await search(page).fill('');
    await expect.poll(() => shown(page)).toBe(`${RECORDS} shown`);
  });

  it('charts the loss of the training loop, following the filter, kept in the URL', async () => {
    await page.locator('.facet[data-key="loss"] .facet-chart').click();
    const chart = page.getByTestId('chart');
    await expect.poll(() => chart.locator('canvas').count()).toBe(1);
    await expect
      .poll(() => chart.getByTestId('chart-series').allTextContents())
      .toEqual([expect.stringMatching(/^loss n=600 p50=0\.\d+ p95=\d\.\d+ min=0\.\d+ max=2\.\d+$/)]);
    expect(new URL(page.url()).searchParams.get('chart')).toBe('loss');

    await search(page).fill('step<100');
    await expect
      .poll(() => chart.getByTestId('chart-series').allTextContents())
      .toEqual([expect.stringMatching(/^loss n=100 /)]);
    await search(page).fill('');

    // Against the step, one series per tag: the evaluations' val_loss beside the training loss.
    await chart.getByTestId('chart-add').selectOption('val_loss');
    await chart.getByTestId('chart-x').selectOption('step');
    await expect
      .poll(() => chart.getByTestId('chart-series').evaluateAll((s) => s.map((e) => e.getAttribute('data-label'))))
      .toEqual(['loss', 'val_loss']);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('chart-series').evaluateAll((s) => s.map((e) => e.getAttribute('data-label'))), {
        timeout: 20_000,
      })
      .toEqual(['loss', 'val_loss']);
    expect(await page.getByTestId('chart-x').inputValue()).toBe('step');
    await page.screenshot({ path: `${ARTIFACTS}analysis-chart.png` });
    await page.getByTestId('chart-close').click();
    expect(new URL(page.url()).searchParams.has('chart')).toBe(false);
  });

  it('draws the timeline over the run with a time axis, its scale and counts under the pointer', async () => {
    const timeline = page.getByTestId('timeline');
    const ticks = await timeline.locator('.timeline-tick').allTextContents();
    // A run of about three seconds: ticks a fraction of a second apart.
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const tick of ticks) expect(tick).toMatch(/^\d\d:\d\d:\d\d(\.\d{1,3})?$/);
    expect(await timeline.getByTestId('timeline-scale').textContent()).toMatch(/^\d+ per [\d.]+ ms$/);
    const box = await timeline.boundingBox();
    if (!box) throw new Error('no timeline');
    // Records come in bursts, a bar of a few pixels each: the pointer moves along, 2 px at a time, until it is over one.
    let tip = '';
    for (let x = 2; x < box.width && !/INFO/.test(tip); x += 2) {
      await page.mouse.move(box.x + x, box.y + box.height / 2);
      tip = (await timeline.getByTestId('timeline-tip').textContent()) ?? '';
    }
    expect(tip).toMatch(/^\d\d:\d\d:\d\d\.\d{3} – \d\d:\d\d:\d\d\.\d{3}\d+ recordsINFO \d+/);
    // The strip with its axis, which hangs under it.
    await page.screenshot({
      path: `${ARTIFACTS}analysis-timeline.png`,
      clip: { x: box.x - 8, y: box.y - 8, width: box.width + 16, height: box.height + 34 },
    });
    await page.mouse.move(0, 0);
  });

  it('shows the context of a record a filter found, and goes back', async () => {
    await search(page).fill('level=warning');
    // The warning, under the divider of its epoch.
    await expect.poll(() => shown(page)).toBe('2 shown');
    expect(await page.locator('.divider').textContent()).toBe('epoch 2');
    await page.locator('[data-testid="record-list"] [data-seq] .msg', { hasText: 'loss spike' }).click();
    await page.getByTestId('show-context').click();
    await expect.poll(() => shown(page)).toBe('602 shown');
    expect(await page.getByTestId('context-bar').textContent()).toMatch(/every record of train\./);
    const selected = page.locator('[aria-selected="true"][data-seq] .msg');
    expect(await selected.textContent()).toBe('loss spike, gradient clipped');
    // Its neighbours in the stream are on screen around it.
    const around = await page.locator('[data-testid="record-list"] [data-seq]').count();
    expect(around).toBeGreaterThan(10);
    await page.getByTestId('leave-context').click();
    await expect.poll(() => shown(page)).toBe('2 shown');
    expect(await search(page).inputValue()).toBe('level=warning');
    await search(page).fill('');
  });

  it('switches to the dark theme', async () => {
    await page.getByTestId('theme').click();
    await page.getByTestId('theme').click();
    expect(await page.getByTestId('theme').textContent()).toBe('Theme: dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(15, 20, 25)');
    await page.locator('.facet[data-key="loss"] .facet-chart').click();
    await search(page).fill('err.code=OOM');
    await page.locator('[data-testid="record-list"] [data-seq] .msg', { hasText: 'step failed' }).click();
    await expect.poll(() => page.getByTestId('detail').isVisible()).toBe(true);
    await page.getByTestId('show-context').click();
    await expect.poll(() => shown(page)).toBe('602 shown');
    await page.screenshot({ path: `${ARTIFACTS}analysis-dark.png` });
    expect(errors).toEqual([]);
  });
});
