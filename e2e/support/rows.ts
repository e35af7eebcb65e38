import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** A row as the list shows it. */
export interface ShownRow {
  seq: number;
  level: string;
  msg: string;
  source: string;
}

/** The rows the record list draws now, by seq. */
export function shownRows(page: Page): Promise<ShownRow[]> {
  return page.$$eval('[data-testid="record-list"] [data-seq]', (rows) =>
    rows
      .map((row) => ({
        seq: Number(row.getAttribute('data-seq')),
        level: row.getAttribute('data-level') ?? '',
        msg: row.querySelector('.msg')?.textContent ?? '',
        source: row.querySelector('.source')?.textContent ?? '',
      }))
      .sort((a, b) => a.seq - b.seq),
  );
}

/** The records the tab has received (the status bar's count; held and received are one below the tab's limit). */
export async function recordCount(page: Page): Promise<number> {
  return Number((await page.getByTestId('record-count').getAttribute('data-received')) ?? 0);
}

/** Opens the record whose message contains `message` in the detail panel, and returns the panel's text. */
export async function detailText(page: Page, message: string): Promise<string> {
  await page.locator('[data-seq] .msg', { hasText: message }).click();
  const detail = page.getByTestId('detail');
  await expect.poll(() => detail.isVisible()).toBe(true);
  return (await detail.textContent()) ?? '';
}
