import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';

/**
 * The README's pictures, from a real run of `pulselog demo` (the installed
 * package's bin, as a user runs it) watched in Chromium. They are written to
 * `e2e/artifacts/readme-*.png`; `docs/dashboard.png` and `docs/chart.png` are
 * copies of them, looked at before they were committed.
 */
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const CLI = join(dirname(createRequire(import.meta.url).resolve('@pulselog/logger/package.json')), 'dist', 'cli.js');

const search = (page: Page) => page.getByRole('searchbox', { name: 'search and filter' });

describe('the README pictures, from a run of the demo', () => {
  let demo: ChildProcess;
  let stdout = '';
  let stderr = '';
  let exited: Promise<number | null>;
  let browser: TestBrowser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: '0' };
    delete env.CI;
    demo = spawn(process.execPath, [CLI, 'demo'], {
      cwd: mkdtempSync(join(tmpdir(), 'pulselog-demo-')),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    demo.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    exited = new Promise((resolve) => demo.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + 20_000;
      const check = () => {
        const found = /dashboard at (\S+)/.exec(stderr)?.[1];
        if (found) return resolve(found);
        if (Date.now() > deadline || demo.exitCode !== null) return reject(new Error(`no dashboard URL:\n${stderr}`));
        setTimeout(check, 20);
      };
      check();
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 860 });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
  });

  afterAll(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null) demo.kill('SIGKILL');
  });

  it('shows the run live, the corrupt shard of epoch 4 open in the detail panel among its neighbours', async () => {
    await search(page).fill('level=error');
    // The one error, under the divider of its epoch, about half way through the run.
    await expect.poll(() => page.getByTestId('shown-count').textContent(), { timeout: 30_000 }).toBe('2 shown');
    await page.locator('[data-testid="record-list"] [data-seq] .msg', { hasText: 'skipping a corrupt shard' }).click();
    await expect.poll(() => page.getByTestId('detail').textContent()).toMatch(/DataLoaderError: shard 17 is corrupt/);
    await page.getByTestId('show-context').click();
    await expect.poll(() => page.getByTestId('context-bar').textContent()).toMatch(/every record of training/);
    // The facets follow the records shown (redrawn at most once a second while records stream in).
    await expect
      .poll(async () => Number(await page.locator('.facet[data-key="level"] .facet-present').textContent()), {
        timeout: 10_000,
      })
      .toBeGreaterThan(1000);
    // Still streaming: the picture shows a live run.
    expect(demo.exitCode).toBeNull();
    await page.screenshot({ path: `${ARTIFACTS}readme-dashboard.png` });
    expect(errors).toEqual([]);
  });

  it('charts the loss and the validation loss of the whole run once it has ended', async () => {
    expect(await exited).toBe(0);
    const logged = Number(/Done: (\d+) records/.exec(stdout)?.[1]);
    expect(logged).toBeGreaterThan(5000);
    await page.getByLabel('close detail').click();
    await page.getByTestId('leave-context').click();
    await search(page).fill('');
    await page.locator('.facet[data-key="loss"] .facet-chart').click();
    const chart = page.getByTestId('chart');
    await chart.getByTestId('chart-add').selectOption('val_loss');
    await expect
      .poll(() => chart.getByTestId('chart-series').allTextContents())
      .toEqual([expect.stringMatching(/^loss n=960 /), expect.stringMatching(/^val_loss n=8 /)]);
    await page.screenshot({ path: `${ARTIFACTS}readme-chart.png` });
    expect(errors).toEqual([]);
  });
});
