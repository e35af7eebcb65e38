import { createWriteStream, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliTests } from './support/cli.js';
import { recordCount, shownRows } from './support/rows.js';

const LEVELS = ['debug', 'info', 'info', 'warning', 'error'];

/** Writes a session file of `count` records as the logger writes them, a few MB at a time. */
async function writeSession(path: string, name: string, count: number, start: number, step: number): Promise<void> {
  const out = createWriteStream(path);
  const write = (text: string) =>
    new Promise<void>((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));
  await write(
    `${JSON.stringify({ type: 'session', format: 1, session: { id: `${name}-1-1`, name, pid: 1, host: 'h', startedAt: start, versions: { pulselog: '0.1.0', node: 'v20', protocol: 1 } } })}\n`,
  );
  let chunk = '';
  for (let i = 1; i <= count; i++) {
    chunk += `{"seq":${i},"ts":${start + i * step}.000,"level":"${LEVELS[i % 5]}","msg":"${name} record ${i}","fields":{"i":${i},"shard":${i % 7}}}\n`;
    if (chunk.length > 4_000_000) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(`${chunk}{"type":"end","reason":"exit","at":${start + count * step},"lastSeq":${count}}\n`);
  await new Promise((resolve) => out.end(resolve));
}

describe('pulselog view', () => {
  const commands = cliTests();

  it('shows the first rows of a 1,000,000-record session file within 2 s, streaming the rest in', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pulselog-e2e-view-'));
    await writeSession(join(cwd, 'big.ndjson'), 'train', 1_000_000, 1_700_000_000_000, 1);
    const cli = commands.start('exec $PULSELOG view big.ndjson', {}, cwd);
    const url = await cli.dashboardUrl();
    const page = await commands.browser().context.newPage();
    // Timed inside the page, from its navigation (the time origin) to the first row in the DOM, as bench/browser.mjs does.
    await page.addInitScript(() => {
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-testid="record-list"] [data-seq]')) {
          (window as unknown as { firstRowAt: number }).firstRowAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(url);
    await page.waitForSelector('[data-testid="record-list"] [data-seq]', { timeout: 20_000 });
    const firstRowsAfter = await page.evaluate(() => (window as unknown as { firstRowAt: number }).firstRowAt);
    expect(firstRowsAfter).toBeLessThan(2000);
    const rows = await shownRows(page);
    expect(rows[0]?.msg).toMatch(/^train record \d+$/);
    expect(rows[0]?.source).toBe('big');
    await cli.saidOnStderr('pulselog view: 1000000 records from 1 file; the dashboard stays up until Ctrl-C', 60_000);
    await expect.poll(() => recordCount(page), { timeout: 90_000 }).toBe(1_000_000);
    cli.signal('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });

  it('merges several files by time, each a source, and writes no session of its own', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pulselog-e2e-view-'));
    await writeSession(join(cwd, 'api.ndjson'), 'api', 3, 1_700_000_000_000, 2);
    await writeSession(join(cwd, 'worker.ndjson'), 'worker', 3, 1_700_000_000_001, 2);
    const cli = commands.start('exec $PULSELOG view api.ndjson worker.ndjson', {}, cwd);
    const page = await commands.browser().context.newPage();
    await page.goto(await cli.dashboardUrl());
    await expect.poll(() => recordCount(page), { timeout: 20_000 }).toBe(6);
    expect((await shownRows(page)).map((r) => [r.msg, r.source])).toEqual([
      ['api record 1', 'api'],
      ['worker record 1', 'worker'],
      ['api record 2', 'api'],
      ['worker record 2', 'worker'],
      ['api record 3', 'api'],
      ['worker record 3', 'worker'],
    ]);
    cli.signal('SIGINT');
    expect((await cli.exited).code).toBe(0);
    expect(existsSync(join(cwd, '.pulselog', 'sessions'))).toBe(false);

    const missing = commands.start('exec $PULSELOG view nowhere.ndjson', {}, cwd);
    expect((await missing.exited).code).toBe(1);
    expect(missing.stderr()).toContain('pulselog view: cannot read nowhere.ndjson: ENOENT');
  });
});
