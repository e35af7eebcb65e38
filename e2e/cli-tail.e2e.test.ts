import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningCli, runCli } from './support/cli.js';
import { recordCount, shownRows } from './support/rows.js';

describe('pulselog tail', () => {
  let browser: TestBrowser;
  let cli: RunningCli | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await cli?.kill();
  });

  it('follows a file across a rotation and a truncation, and a file matching a glob later, each a source', async () => {
    cli = runCli(`exec $PULSELOG tail --interval 50 app.log 'more/*.log'`);
    const { cwd } = cli;
    const app = join(cwd, 'app.log');
    writeFileSync(app, 'INFO one\nWARN two\n');
    const page = await browser.context.newPage();
    await page.goto(await cli.dashboardUrl());
    await expect.poll(() => recordCount(page), { timeout: 20_000 }).toBe(2);

    // Rotation as logrotate does it: the file is renamed, the writer finishes its line there, a new file takes the name.
    appendFileSync(app, 'ERROR three\n');
    renameSync(app, join(cwd, 'app.log.1'));
    appendFileSync(join(cwd, 'app.log.1'), 'INFO four, written to the old file after the rename\n');
    await cli.saidOnStderr(/app\.log is gone|app\.log was replaced/);
    writeFileSync(app, 'INFO five, in the new file\n');
    await expect.poll(() => recordCount(page), { timeout: 20_000 }).toBe(5);

    // Truncation (copytruncate): read from the start again.
    writeFileSync(app, '');
    await cli.saidOnStderr('app.log was truncated');
    appendFileSync(app, 'INFO six, after the truncation\n');

    mkdirSync(join(cwd, 'more'));
    writeFileSync(join(cwd, 'more', 'b.log'), '{"level":"error","msg":"seven, from a file that appeared"}\n');
    await expect.poll(() => recordCount(page), { timeout: 20_000 }).toBe(7);

    const rows = await shownRows(page);
    expect(rows.map((r) => [r.level, r.msg, r.source])).toEqual([
      ['info', 'INFO one', 'app.log'],
      ['warning', 'WARN two', 'app.log'],
      ['error', 'ERROR three', 'app.log'],
      ['info', 'INFO four, written to the old file after the rename', 'app.log'],
      ['info', 'INFO five, in the new file', 'app.log'],
      ['info', 'INFO six, after the truncation', 'app.log'],
      ['error', 'seven, from a file that appeared', 'more/b.log'],
    ]);
    cli.signal('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });
});
