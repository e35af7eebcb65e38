import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { parseDashboardUrl, rawClient } from './support/client.js';
import { fakeBrowserProject } from './support/fake-browser.js';
import { type RunningScript, runScript } from './support/script.js';

const WAITING = /pulselog: waiting up to 5 s for a dashboard tab to receive the last records \(Ctrl-C to skip\)\n/g;

describe('a short script and its dashboard', () => {
  let browser: TestBrowser;
  const scripts: RunningScript[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(scripts.map((s) => s.kill()));
  });

  it('keeps its process until the tab it opened has received every record, saying so once', async () => {
    const fake = await fakeBrowserProject('pulselog-linger-');
    const script = runScript('server-short.mjs', fake.env, [], { cwd: fake.project });
    scripts.push(script);
    const url = await script.dashboardUrl();
    await expect.poll(() => script.stderr(), { timeout: 10_000 }).toMatch(WAITING);
    // The "browser" was asked to open the dashboard; the test is that browser.
    await expect.poll(() => fake.opened(), { timeout: 10_000 }).toEqual([url]);
    // The script's own work is long done; the logger holds the process for the tab.
    expect(script.child.exitCode).toBeNull();

    const page = await browser.context.newPage();
    await page.goto(url);
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 }).toBe('100 records');
    expect(await script.exited).toEqual({ code: 0, signal: null });
    expect(script.stderr().match(WAITING)).toHaveLength(1);
    // The page keeps what it received after the process is gone.
    await page.waitForTimeout(300);
    expect(await page.getByTestId('record-count').textContent()).toBe('100 records');
    await page.close();
  });

  it('exits at once when no tab was opened and none connected', async () => {
    // As on a machine with no display, or with opening off: nobody can come for the records.
    const script = runScript('server-short.mjs');
    scripts.push(script);
    const startedAt = Date.now();
    expect(await script.exited).toEqual({ code: 0, signal: null });
    expect(script.stderr()).toMatch(/pulselog: dashboard at /);
    expect(script.stderr()).not.toMatch(/waiting/);
    // Well under the 5 s linger the script would have sat out.
    expect(Date.now() - startedAt).toBeLessThan(4500);
  });

  it('stops waiting when the browser it meant to open could not be started', async () => {
    const fake = await fakeBrowserProject('pulselog-linger-');
    const env = { ...fake.env, BROWSER: '/nonexistent/browser' };
    const script = runScript('server-short.mjs', env, [], { cwd: fake.project });
    scripts.push(script);
    const startedAt = Date.now();
    expect(await script.exited).toEqual({ code: 0, signal: null });
    expect(script.stderr()).toMatch(/pulselog: could not open a browser: .*ENOENT/);
    // The browser was to open after the 1.5 s wait for an earlier tab; the 5 s linger is not sat out.
    expect(Date.now() - startedAt).toBeLessThan(5000);
  });

  it('waits for a tab that connected and left before the end, until one holds every record', async () => {
    const script = runScript('server-wait.mjs');
    scripts.push(script);
    const url = await script.dashboardUrl();
    const tab = rawClient(parseDashboardUrl(url));
    await tab.until(() => tab.records === 50, 10_000);
    tab.ws.close();
    script.child.stdin?.write('go\n');
    await expect.poll(() => script.stderr(), { timeout: 10_000 }).toMatch(WAITING);
    expect(script.child.exitCode).toBeNull();

    const page = await browser.context.newPage();
    await page.goto(url);
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 }).toBe('100 records');
    expect(await script.exited).toEqual({ code: 0, signal: null });
    await page.close();
  });

  it('does not wait with linger 0, even for the tab it opened', async () => {
    const fake = await fakeBrowserProject('pulselog-linger-');
    const script = runScript('server-short.mjs', { ...fake.env, PULSELOG_LINGER: '0' }, [], { cwd: fake.project });
    scripts.push(script);
    expect(await script.exited).toEqual({ code: 0, signal: null });
    expect(script.stderr()).toMatch(/pulselog: dashboard at /);
    expect(script.stderr()).not.toMatch(/waiting/);
  });

  it('stops waiting at Ctrl-C', async () => {
    const fake = await fakeBrowserProject('pulselog-linger-');
    const script = runScript('server-short.mjs', fake.env, [], { cwd: fake.project });
    scripts.push(script);
    await expect.poll(() => script.stderr(), { timeout: 10_000 }).toMatch(WAITING);
    const sentAt = Date.now();
    script.child.kill('SIGINT');
    const exit = await script.exited;
    // Skipped, not sat out: the full wait would have taken 5 s.
    expect(Date.now() - sentAt).toBeLessThan(4000);
    expect(exit.signal === 'SIGINT' || exit.code === 0).toBe(true);
  });

  it('still delivers the last records and end to a tab when the script calls process.exit()', async () => {
    const script = runScript('server-exit.mjs');
    scripts.push(script);
    const tab = rawClient(parseDashboardUrl(await script.dashboardUrl()));
    await tab.until(() => tab.others.some((m) => m.type === 'hello'));
    // Subscribed once the hub has had the resume; a stats tick shows it.
    await tab.until(() => tab.others.some((m) => m.type === 'stats'));
    script.child.stdin?.write('go\n');
    expect(await script.exited).toEqual({ code: 3, signal: null });
    await tab.until(() => tab.ended, 5000);
    expect(tab.records).toBe(100);
    expect(tab.others.at(-1)).toMatchObject({ type: 'end', reason: 'exit', code: 3, lastSeq: 100 });
  });
});
