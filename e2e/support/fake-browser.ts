import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { TestBrowser } from './browser.js';
import { type RunningScript, runScript } from './script.js';

/** A port nothing listens on right now, from a random start so parallel runs do not meet. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

/** A project folder whose "browser" only writes down each URL the logger asks it to open. */
export interface FakeBrowserProject {
  /** The project folder to run scripts in (one `.pulselog/token` for all runs). */
  project: string;
  /** Environment for `runScript`: opening on, the fake browser, a fixed free port. */
  env: Record<string, string>;
  /** The URLs opened so far, oldest first. */
  opened(): string[];
}

/**
 * Makes a project whose runs share a port and a token, with `BROWSER` set to a
 * script that records the URL instead of opening a window, so a test can see
 * whether a run opened a tab and then open that URL in Chromium itself.
 */
export async function fakeBrowserProject(prefix: string): Promise<FakeBrowserProject> {
  const project = mkdtempSync(join(tmpdir(), prefix));
  const openLog = join(project, 'opened.txt');
  const fakeBrowser = join(project, 'fake-browser.sh');
  writeFileSync(fakeBrowser, `#!/bin/sh\necho "$1" >> '${openLog}'\n`);
  chmodSync(fakeBrowser, 0o755);
  return {
    project,
    env: { PULSELOG_OPEN: '1', PULSELOG_PORT: String(await freePort()), BROWSER: fakeBrowser },
    opened: () => (existsSync(openLog) ? readFileSync(openLog, 'utf8').trim().split('\n') : []),
  };
}

/**
 * The first run of a tab-reuse scenario: starts `script` in the project, checks
 * that it opened the browser once, and opens that URL in `browser` until the
 * tab shows `records` records. The run joins `running` at once, so the
 * caller's cleanup ends it even when a check here fails.
 */
export async function firstRunInTab(
  fake: FakeBrowserProject,
  browser: TestBrowser,
  running: RunningScript[],
  script: string,
  records: number,
) {
  const run = runScript(script, fake.env, [], { cwd: fake.project });
  running.push(run);
  const url = await run.dashboardUrl();
  await expect.poll(() => fake.opened(), { timeout: 20_000 }).toEqual([url]);
  const page = await browser.context.newPage();
  await page.goto(url);
  await expect
    .poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 })
    .toBe(`${records} records`);
  return { url, page };
}
