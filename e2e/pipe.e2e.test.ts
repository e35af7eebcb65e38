import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'];

/**
 * True when rows cover the list's viewport, top to bottom, with no hole
 * between them and consecutive seqs: a virtualized list has drawn the window
 * for where it is scrolled now, not the one before.
 */
function rowsCoverViewport(page: Page): Promise<boolean> {
  return page.getByTestId('record-list').evaluate((el) => {
    const view = el.getBoundingClientRect();
    const rows = [...el.querySelectorAll('[data-seq]')]
      .map((row) => ({ seq: Number(row.getAttribute('data-seq')), rect: row.getBoundingClientRect() }))
      .filter(({ rect }) => rect.bottom > view.top + 1 && rect.top < view.bottom - 1)
      .sort((a, b) => a.rect.top - b.rect.top);
    const first = rows[0];
    const last = rows.at(-1);
    if (first === undefined || last === undefined || first.rect.top > view.top + 1) return false;
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1], rows[i]] as [(typeof rows)[0], (typeof rows)[0]];
      if (b.rect.top > a.rect.bottom + 1 || b.seq !== a.seq + 1) return false;
    }
    return last.rect.bottom >= view.bottom - 1 || el.scrollTop + el.clientHeight >= el.scrollHeight - 1;
  });
}

/** Reads every row the list shows, scrolling through it so a virtualized list gives up all its rows. */
async function readRows(page: Page): Promise<{ seq: number; level: string; msg: string }[]> {
  const seen = new Map<number, { seq: number; level: string; msg: string }>();
  const list = page.getByTestId('record-list');
  await list.evaluate((el) => {
    el.scrollTop = 0;
  });
  for (let guard = 0; guard < 10_000; guard++) {
    await expect.poll(() => rowsCoverViewport(page)).toBe(true);
    const rows = await list.evaluate((el) =>
      [...el.querySelectorAll('[data-seq]')].map((row) => ({
        seq: Number(row.getAttribute('data-seq')),
        level: row.getAttribute('data-level') ?? '',
        msg: row.querySelector('.msg')?.textContent ?? '',
      })),
    );
    for (const row of rows) seen.set(row.seq, row);
    const done = await list.evaluate((el) => {
      const before = el.scrollTop;
      el.scrollTop += el.clientHeight;
      return el.scrollTop === before;
    });
    if (done) break;
  }
  return [...seen.values()].sort((a, b) => a.seq - b.seq);
}

describe('the pipe from log.info to a browser tab', () => {
  let script: RunningScript;
  let browser: TestBrowser;

  beforeAll(async () => {
    script = runScript('log-1000.mjs');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('shows all 1,000 records of a user script, in order, with their levels', async () => {
    const url = await script.dashboardUrl();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{22,}$/);
    const page = await browser.context.newPage();
    await page.goto(url);
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 }).toBe('1000 records');

    const rows = await readRows(page);
    expect(rows).toHaveLength(1000);
    rows.forEach((row, i) => {
      expect(row.seq).toBe(i + 1);
      expect(row.msg).toBe(`record ${i}`);
      expect(row.level).toBe(LEVELS[i % LEVELS.length]);
    });
    // The token leaves the address bar once the page has it.
    expect(page.url()).not.toContain('token');

    await page.getByTestId('record-list').evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png` });
  });
});
