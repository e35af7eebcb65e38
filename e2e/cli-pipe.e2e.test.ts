import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cliTests } from './support/cli.js';
import { detailText, recordCount, shownRows } from './support/rows.js';

const SCRIPTS = fileURLToPath(new URL('./scripts/', import.meta.url));

/** The record lines of the one session file written in `cwd`. */
function sessionLines(cwd: string): Record<string, unknown>[] {
  const dir = join(cwd, '.pulselog', 'sessions');
  const files = readdirSync(dir);
  expect(files).toHaveLength(1);
  return readFileSync(join(dir, files[0] as string), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
    .filter((line) => line.seq !== undefined);
}

describe('cmd | pulselog', () => {
  const commands = cliTests();
  let page: Page;

  it('shows a real pino app piped in: levels, fields, errors with their stacks, and says the input ended', async () => {
    // The shell outlives Ctrl-C (a trap of its own) and ends with pulselog's exit code, as an interactive shell reports it.
    const cli = commands.start(`trap : INT; "${process.execPath}" "${SCRIPTS}pino-stdout.mjs" | $PULSELOG --name api`);
    page = await commands.browser().context.newPage();
    await page.goto(await cli.dashboardUrl());
    await expect.poll(() => recordCount(page), { timeout: 20_000 }).toBe(7);
    const rows = await shownRows(page);
    expect(rows.map((r) => [r.level, r.msg, r.source])).toEqual([
      ['info', 'user signed in', 'api'],
      ['warning', 'slow request', 'api'],
      ['debug', 'cache warm', 'api'],
      ['debug', 'trace detail', 'api'],
      ['error', 'validation failed', 'api'],
      ['critical', 'giving up', 'api'],
      ['info', 'input ended', ''],
    ]);
    const text = await detailText(page, 'validation failed');
    expect(text).toContain('TypeError: bad input');
    expect(text).toMatch(/at .*pino-stdout\.mjs/);
    expect(text).toContain('caused by: Error: socket closed');
    await cli.saidOnStderr('pulselog: input ended: 6 lines, 6 records; the dashboard stays up until Ctrl-C');
    // The dashboard stays: the process is still there until Ctrl-C.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(cli.child.exitCode).toBeNull();
    cli.signal('SIGINT');
    expect((await cli.exited).code).toBe(0);
    const records = sessionLines(cli.cwd);
    expect(records[0]).toMatchObject({ level: 'info', msg: 'user signed in', source: 'api', fields: { user_id: 7 } });
    expect(records[4]).toMatchObject({
      fields: { input: 'x' },
      err: { name: 'TypeError', message: 'bad input: socket closed' },
    });
  });

  it('keeps going through junk: binary bytes, invalid UTF-8 and a 100 MB line become marked text records, counted', async () => {
    const cli = commands.start('exec $PULSELOG --name junk');
    const stdin = cli.child.stdin;
    if (!stdin) throw new Error('no stdin');
    const write = (bytes: Buffer) =>
      new Promise<void>((resolve, reject) => stdin.write(bytes, (err) => (err ? reject(err) : resolve())));
    await write(Buffer.from('before the junk\n'));
    await write(Buffer.from([0x00, 0x01, 0x02, 0x7f, 0x41, 0x0a]));
    await write(Buffer.from([0x62, 0x61, 0x64, 0x20, 0xc3, 0x28, 0xff, 0x0a]));
    const mb = Buffer.alloc(1024 * 1024, 'y');
    for (let i = 0; i < 100; i++) await write(mb);
    await write(Buffer.from('\n{"level":"error","msg":"after the junk"}\n'));
    stdin.end();
    page = await commands.browser().context.newPage();
    await page.goto(await cli.dashboardUrl());
    await cli.saidOnStderr('input ended: 5 lines, 5 records');
    await expect.poll(() => recordCount(page), { timeout: 20_000 }).toBe(6);
    const rows = await shownRows(page);
    expect(rows.map((r) => r.level)).toEqual(['info', 'info', 'info', 'info', 'error', 'info']);
    expect(rows[0]?.msg).toBe('before the junk');
    expect(rows[1]?.msg).toBe('\\x00\\x01\\x02\\x7fA');
    expect(rows[2]?.msg).toBe('bad \ufffd(\ufffd');
    expect(rows[3]?.msg.endsWith(`… [cut: ${100 * 1024 * 1024 - 1024 * 1024} more bytes]`)).toBe(true);
    expect(rows[4]?.msg).toBe('after the junk');
    expect(cli.stderr()).toContain(
      'pulselog: stdin: lines kept as text with a marker: 1 cut at the line limit, 1 not UTF-8, 1 with binary bytes',
    );
    cli.signal('SIGINT');
    expect((await cli.exited).code).toBe(0);
    const records = sessionLines(cli.cwd);
    expect(records.slice(1, 4).map((r) => r.fields)).toEqual([
      { binary: true },
      { invalid_utf8: true },
      { cut_bytes: 99 * 1024 * 1024 },
    ]);
  });
});
