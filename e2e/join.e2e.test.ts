import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type DashboardAddress, health, parseDashboardUrl } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

interface Line {
  seq?: number;
  ts?: number;
  type?: string;
  msg?: string;
  source?: string;
}

/** Every line of the project's session files, by file. */
function sessionFiles(cwd: string): Line[][] {
  const dir = join(cwd, '.pulselog', 'sessions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((name) =>
    readFileSync(join(dir, name), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Line),
  );
}

const records = (lines: Line[] | undefined) => (lines ?? []).filter((line) => line.seq !== undefined);

/** Everything a process prints on stdout from now on. */
function stdoutOf(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  return () => out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function openDashboard(page: Page, address: DashboardAddress, query = ''): Promise<void> {
  await page.goto(`${address.origin}/${query ? `?q=${encodeURIComponent(query)}` : ''}#token=${address.token}`);
}

const shown = (page: Page) => page.getByTestId('shown-count').textContent();

describe('workers and children join the parent dashboard', () => {
  let browser: TestBrowser;
  let page: Page;
  const running: RunningScript[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterEach(async () => {
    for (const script of running.splice(0)) await script.kill();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows a cluster primary, its 3 workers and a worker thread as 5 sources of one session, in one tab and one file', async () => {
    const script = runScript('join-cluster.mjs', {}, ['200']);
    running.push(script);
    const out = stdoutOf(script.child);
    const address = parseDashboardUrl(await script.dashboardUrl());
    await openDashboard(page, address);
    await expect.poll(out, { timeout: 60_000 }).toContain('all flushed');
    // Every record, the workers' and the thread's too, is in the primary's one session file.
    const files = sessionFiles(script.cwd);
    expect(files).toHaveLength(1);
    const lines = records(files[0]);
    expect(lines).toHaveLength(802);
    const bySource = new Map<string, Line[]>();
    for (const line of lines) {
      const key = line.source ?? 'primary';
      bySource.set(key, [...(bySource.get(key) ?? []), line]);
    }
    const sources = [...bySource.keys()].sort();
    expect(sources).toHaveLength(5);
    expect(sources.filter((s) => /^worker\[\d+\]$/.test(s))).toHaveLength(3);
    expect(sources.filter((s) => /^thread\[\d+:\d+\]$/.test(s))).toHaveLength(1);
    expect(bySource.get('primary')?.map((l) => l.msg)).toEqual(['primary up', 'every source done']);
    // One numbering for the session; each source's records keep their order and times.
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, i) => i + 1));
    for (const [source, own] of bySource) {
      if (source === 'primary') continue;
      expect(own.map((l) => l.msg)).toEqual(own.map((_, i) => `${own[0]?.msg?.split(' ')[0]} record ${i}`));
      const times = own.map((l) => l.ts as number);
      expect(times).toEqual([...times].sort((a, b) => a - b));
    }
    // One dashboard: no worker opened a port or a tab of its own.
    expect(script.stderr().match(/pulselog: dashboard at/g)).toHaveLength(1);

    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 30_000 }).toBe('802 records');
    await expect
      .poll(() => page.getByTestId('sources').textContent(), { timeout: 10_000 })
      .toMatch(/^5 sources: this process and 4 joined \(\d connected, \d gone\)$/);
    const search = page.getByRole('searchbox', { name: 'search and filter' });
    await search.fill('source:worker');
    await expect.poll(() => shown(page)).toBe('600 shown');
    await search.fill('source:thread');
    await expect.poll(() => shown(page)).toBe('200 shown');
    const chip = page.locator('[data-seq] .source').first();
    expect(await chip.textContent()).toMatch(/^thread\[\d+:\d+\]$/);
    await search.fill('-source:*');
    await expect.poll(() => shown(page)).toBe('2 shown');
    const stats = await health(address);
    expect(stats.sources).toEqual({ connected: 0, joined: 4, gone: 4 });
  });

  it('loses nothing of a child killed right after flush()', async () => {
    const script = runScript('join-kill.mjs', {}, ['parent', '5000']);
    running.push(script);
    const out = stdoutOf(script.child);
    await script.dashboardUrl();
    await expect.poll(out, { timeout: 60_000 }).toContain('done');
    const lines = records(sessionFiles(script.cwd)[0]);
    const child = lines.filter((l) => l.source?.startsWith('child['));
    expect(child).toHaveLength(5000);
    expect(child.map((l) => l.msg)).toEqual(child.map((_, i) => `child record ${i}`));
    expect(lines.at(-1)?.msg).toBe('child killed');
  });
});

describe('pulselog serve', () => {
  let browser: TestBrowser;
  let page: Page;
  let serve: ChildProcess | undefined;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    await browser?.close();
  });

  it('is a standing dashboard that two scripts of the project join as sources of one session', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'pulselog-e2e-serve-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: String(port) };
    delete env.CI;
    const cli = join(dirname(createRequire(import.meta.url).resolve('@pulselog/logger/package.json')), 'dist/cli.js');
    serve = spawn(process.execPath, [cli, 'serve', '--name', 'project'], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    serve.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>((resolve) => serve?.on('exit', (code) => resolve(code)));
    await expect.poll(() => stderr, { timeout: 20_000 }).toMatch(/pulselog: dashboard at \S+/);
    const address = parseDashboardUrl(/pulselog: dashboard at (\S+)/.exec(stderr)?.[1] as string);
    expect(address.port).toBe(port);
    // GET /api/health says it is pulselog, which session, and where loggers join; only with the token.
    const about = (await health(address)) as unknown as Record<string, unknown>;
    expect(about).toMatchObject({ ok: true, pulselog: expect.any(String), join: '/join' });
    expect((await fetch(`${address.origin}/api/health`)).status).toBe(401);
    await openDashboard(page, address);

    const scripts = ['alpha', 'beta'].map((name) =>
      runScript('join-serve.mjs', { PULSELOG_PORT: String(port) }, [name, '100'], { cwd }),
    );
    const outs = scripts.map((script) => stdoutOf(script.child));
    const ends = await Promise.all(scripts.map((script) => script.exited));
    expect(ends.map((e) => e.code)).toEqual([0, 0]);
    expect(outs.map((o) => o())).toEqual([
      'flushed no session file of its own\n',
      'flushed no session file of its own\n',
    ]);
    expect(scripts.map((s) => s.stderr())).toEqual(['', '']);

    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 30_000 }).toBe('201 records');
    await expect
      .poll(() => page.getByTestId('sources').textContent(), { timeout: 10_000 })
      .toBe('3 sources: this process and 2 joined (0 connected, 2 gone)');
    const search = page.getByRole('searchbox', { name: 'search and filter' });
    await search.fill('source:beta');
    await expect.poll(() => shown(page)).toBe('100 shown');

    serve.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(existsSync(join(cwd, '.pulselog', 'serve.json'))).toBe(false);
    const files = sessionFiles(cwd);
    expect(files).toHaveLength(1);
    const lines = records(files[0]);
    expect(lines.filter((l) => l.source?.startsWith('alpha['))).toHaveLength(100);
    expect(lines.filter((l) => l.source?.startsWith('beta['))).toHaveLength(100);
    expect(files[0]?.at(-1)?.type).toBe('end');
  });
});
