import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliTests } from './support/cli.js';
import { detailText, recordCount, shownRows } from './support/rows.js';

const SCRIPTS = fileURLToPath(new URL('./scripts/', import.meta.url));

describe('pulselog run', () => {
  const commands = cliTests();

  it('records a Python program: JSON lines, stderr as warnings, its traceback as one error record, its exit code', async () => {
    const cli = commands.start(`exec $PULSELOG run -- python3 "${SCRIPTS}json-then-traceback.py" go`);
    const url = await cli.dashboardUrl();
    const page = await commands.browser().context.newPage();
    await page.goto(url);
    await expect.poll(() => recordCount(page), { timeout: 20_000 }).toBe(3);
    writeFileSync(join(cli.cwd, 'go'), '');
    await expect.poll(() => recordCount(page), { timeout: 20_000 }).toBe(5);
    const rows = await shownRows(page);
    expect(rows.map((r) => [r.level, r.msg, r.source])).toEqual([
      ['info', 'job started', 'python3'],
      ['warning', 'shard 2 is slow', 'python3'],
      ['warning', 'plain note on stderr', 'python3'],
      ['error', 'ValueError: shard 3 is corrupt', 'python3'],
      ['error', 'python3 exited with code 1', ''],
    ]);
    const text = await detailText(page, 'ValueError: shard 3 is corrupt');
    expect(text).toContain('Traceback (most recent call last):');
    expect(text).toContain('in load');
    expect(text).toContain('raise ValueError(f"shard {shard} is corrupt")');
    // The exit code passes through, once the tab has every record (no linger needed).
    expect(await cli.exited).toEqual({ code: 1, signal: null });
    // The child's environment pointed OpenTelemetry at this dashboard.
    expect(await detailText(page, 'job started')).toContain(`"${new URL(url).origin}"`);
    // The command's output still showed in the terminal.
    expect(cli.stdout()).toContain('"msg": "shard 2 is slow"');
    expect(cli.stderr()).toContain('ValueError: shard 3 is corrupt');
  });

  it('forwards SIGTERM to the command and passes on how it ended; a missing command is exit code 127', async () => {
    const cli = commands.start(
      `exec $PULSELOG run -- sh -c 'echo started; trap "echo got TERM; exit 7" TERM; while :; do sleep 0.05; done'`,
      {
        PULSELOG_LINGER: '0',
      },
    );
    await cli.dashboardUrl();
    await expect.poll(() => cli.stdout()).toContain('started');
    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(7);
    expect(cli.stdout()).toContain('got TERM');

    const missing = commands.start('exec $PULSELOG run -- no-such-command-here', { PULSELOG_LINGER: '0' });
    expect((await missing.exited).code).toBe(127);
    expect(missing.stderr()).toContain('pulselog run: cannot start no-such-command-here: no such command');
    const usage = commands.start('exec $PULSELOG run', { PULSELOG_LINGER: '0' });
    expect((await usage.exited).code).toBe(2);
    expect(usage.stderr()).toContain(
      "pulselog run: no command given: pulselog run -- CMD ARGS...\nRun 'pulselog run --help' for usage.",
    );
  });
});
