import type { Page } from 'playwright-core';

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

/** The text of the record count ("12 records"), as a number. */
export async function recordCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('record-count').textContent()) ?? '';
  return Number(text.replace(/[^\d]/g, '')) || 0;
}
