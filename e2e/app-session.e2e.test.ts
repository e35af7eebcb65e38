import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

async function waitForText(page: Page, testId: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([id, want]) => document.querySelector(`[data-testid="${id}"]`)?.textContent === want,
    [testId, text] as const,
    { timeout: 20_000 },
  );
}

async function download(page: Page, testId: string): Promise<Record<string, unknown>> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = await file.path();
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

const RECORDER_FILE = [
  {
    type: 'session',
    session: {
      id: 'nightly-1700000000000-9',
      name: 'nightly',
      pid: 9,
      host: 'ci',
      startedAt: 1_700_000_000_000,
      versions: { pulselog: '0.1.0', node: 'v20.20.0', protocol: 1 },
    },
  },
  { seq: 1, ts: 1_700_000_000_100, level: 'info', msg: 'nightly started' },
  { seq: 2, ts: 1_700_000_001_100, level: 'error', msg: 'nightly step failed', fields: { step: 3 } },
  { type: 'end', reason: 'exit', code: 1, at: 1_700_000_002_000, lastSeq: 2 },
]
  .map((line) => JSON.stringify(line))
  .join('\n');

describe('sessions that last', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    script = runScript('app-mixed.mjs');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(await script.dashboardUrl());
    await waitForText(page, 'record-count', '29 records');
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('comes back from IndexedDB after a reload and asks the server only for newer records', async () => {
    // Give the writer time to store the batch (it writes every half second).
    await page.waitForTimeout(1200);
    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (frame) => sent.push(String(frame.payload))));
    await page.reload();
    await waitForText(page, 'record-count', '29 records');
    await expect.poll(() => sent.length).toBeGreaterThan(0);
    expect(JSON.parse(sent[0] ?? '{}')).toMatchObject({ type: 'resume', lastSeq: 29 });
    expect(await page.getByRole('tab', { name: /Checkpoints/ }).textContent()).toBe('Checkpoints (3)');
  });

  it('exports the session, and the filtered view alone, as JSON', async () => {
    const all = await download(page, 'export-session');
    expect(all.format).toBe('pulselog-session');
    expect((all.records as unknown[]).length).toBe(29);
    expect((all.checkpoints as unknown[]).length).toBe(3);
    expect((all.meta as { session: { name: string } }).session.name).toBe('app-mixed');

    await page.getByRole('searchbox', { name: 'search and filter' }).fill('status>=500');
    const view = await download(page, 'export-view');
    expect((view.records as { msg: string }[]).map((r) => r.msg)).toEqual([
      'GET /items/0',
      'GET /items/7',
      'GET /items/14',
      'request failed',
    ]);
    await page.getByRole('searchbox', { name: 'search and filter' }).fill('');
  });

  it('imports a recorder file from the file picker and lists it among the sessions', async () => {
    const file = join(script.cwd, 'nightly.ndjson');
    writeFileSync(file, RECORDER_FILE);
    await page.getByTestId('import-file').setInputFiles(file);
    await waitForText(page, 'record-count', '2 records');
    expect(await page.locator('.session-name').textContent()).toBe('nightly');
    expect(await page.getByTestId('ended').textContent()).toContain('exited with code 1');

    await page.getByRole('tab', { name: 'Sessions' }).click();
    const rows = page.getByTestId('session-row');
    await expect.poll(() => rows.count()).toBe(2);
    const nightly = page.locator('[data-testid="session-row"][data-id="nightly-1700000000000-9"]');
    expect(await nightly.locator('td').allTextContents()).toEqual([
      'nightlyimported',
      expect.stringMatching(/^2023-11-1[45] /),
      '2.0s',
      '0', // trace
      '0',
      '1',
      '0',
      '1',
      '0',
      'exit',
      'OpenDelete',
    ]);
    // Reopened from the list, it comes back out of IndexedDB.
    await nightly.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => page.locator('.state').getAttribute('data-state')).toBe('stored');
    expect(await page.getByTestId('record-count').textContent()).toBe('2 records');
    expect(await page.locator('[data-seq="2"] .msg').textContent()).toBe('nightly step failed');
    await page.getByRole('tab', { name: 'Sessions' }).click();
    await page
      .locator('[data-testid="session-row"]', { hasText: 'app-mixed' })
      .getByRole('button', { name: 'Open' })
      .click();
    await waitForText(page, 'record-count', '29 records');
    expect(await page.locator('.state').getAttribute('data-state')).toBe('live');
  });

  it('imports an exported file dropped on the page', async () => {
    const exported = JSON.stringify({
      format: 'pulselog-session',
      version: 1,
      meta: { session: { id: 'dropped-1', name: 'dropped', pid: 1, host: 'h', startedAt: 1, versions: {} } },
      records: [{ seq: 1, ts: 1, level: 'warning', msg: 'from a drop' }],
      checkpoints: [],
    });
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      document.querySelector('.app')?.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true }));
    }, exported);
    await waitForText(page, 'record-count', '1 records');
    expect(await page.getByTestId('notice').textContent()).toContain('Imported 1 records from dropped.json');
  });

  it('deletes the oldest sessions, never the live one, when the storage budget is reached', async () => {
    await page.getByRole('tab', { name: 'Sessions' }).click();
    await expect.poll(() => page.getByTestId('session-row').count()).toBe(3);
    await page.getByTestId('budget').fill('0.001');
    await page.getByTestId('budget').dispatchEvent('change');
    await expect
      .poll(() => page.getByTestId('session-row').allTextContents())
      .toEqual([expect.stringContaining('app-mixed')]);
  });

  it('says when and how the program ended, and keeps working', async () => {
    await page.getByRole('button', { name: 'back to live' }).click();
    script.child.stdin?.write('stop\n');
    await page.waitForSelector('[data-testid="ended"]', { timeout: 20_000 });
    expect(await page.getByTestId('ended').textContent()).toMatch(
      /^The program ended its session at .*\. Its session stays here\.$/,
    );
    await expect.poll(() => page.locator('.state').getAttribute('data-state')).toBe('ended');
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByRole('searchbox', { name: 'search and filter' }).fill('asked to stop');
    await waitForText(page, 'shown-count', '1 shown');
  });

  it("imports the session file the logger's recorder wrote", async () => {
    const dir = join(script.cwd, '.pulselog', 'sessions');
    const files = readdirSync(dir).filter((name) => name.endsWith('.ndjson'));
    expect(files).toHaveLength(1);
    await page.getByTestId('import-file').setInputFiles(join(dir, files[0] as string));
    await waitForText(page, 'notice', `Imported 30 records from ${files[0]}dismiss`);
    // Records are taken in slices between frames, so the counts settle a moment after the notice.
    await waitForText(page, 'record-count', '30 records');
    expect(await page.locator('.state').getAttribute('data-state')).toBe('imported');
    expect(await page.getByRole('tab', { name: /Checkpoints/ }).textContent()).toBe('Checkpoints (3)');
    expect(await page.getByTestId('ended').textContent()).toMatch(/^The program ended its session at /);
    // The filter carries over to the session shown; with it cleared, the whole file is there.
    await waitForText(page, 'shown-count', '1 shown');
    await page.getByRole('searchbox', { name: 'search and filter' }).fill('');
    await waitForText(page, 'shown-count', '30 shown');
    await page.getByTestId('record-list').evaluate((el) => {
      el.scrollTop = 0;
    });
    await expect.poll(() => page.locator('.divider').first().textContent()).toBe('setup');
  });
});
