import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { parseDashboardUrl } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

/** The script's soft limit on open files: 5,000 sockets held open would be far past it. */
const SCRIPT_MAX_OPEN_FILES = 1024;

/**
 * Sockets in the flood: 5,000, or fewer when this test process itself may
 * not open that many (its soft `ulimit -n`, less room for Chromium's pipes
 * and vitest's own files). Either way the flood is several times the
 * script's limit above.
 */
function floodSize(): number {
  const soft = Number(execFileSync('/bin/sh', ['-c', 'ulimit -Sn'], { encoding: 'utf8' }).trim());
  return Number.isFinite(soft) ? Math.min(5000, soft - 1000) : 5000;
}

/** Opens `count` sockets that never send a byte, in batches, and resolves with them once each is connected or refused. */
async function openIdleSockets(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let first = 0; first < count; first += 250) {
    const batch = Array.from(
      { length: Math.min(250, count - first) },
      () =>
        new Promise<void>((resolve) => {
          const socket = createConnection({ host: '127.0.0.1', port });
          sockets.push(socket);
          socket.on('connect', () => resolve());
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
        }),
    );
    await Promise.all(batch);
  }
  return sockets;
}

function openFiles(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

function recordCount(text: string | null): number {
  return Number(/([\d,]+) records/.exec(text ?? '')?.[1]?.replaceAll(',', '') ?? 0);
}

describe('the dashboard door under a flood of idle sockets', () => {
  let browser: TestBrowser;
  let script: RunningScript;
  let flood: Socket[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const socket of flood) socket.destroy();
    await browser?.close();
    await script?.kill();
  });

  it("keeps the program's own file reads and a real tab working", async () => {
    script = runScript('server-reads.mjs', {}, [], { maxOpenFiles: SCRIPT_MAX_OPEN_FILES });
    const url = await script.dashboardUrl();
    const pid = script.child.pid as number;
    const tab = await browser.context.newPage();
    await tab.goto(url);
    const count = tab.getByTestId('record-count');
    await expect.poll(async () => recordCount(await count.textContent()), { timeout: 20_000 }).toBeGreaterThan(0);

    const size = floodSize();
    expect(size).toBeGreaterThan(2 * SCRIPT_MAX_OPEN_FILES);
    flood = await openIdleSockets(parseDashboardUrl(url).port, size);

    // The flood holds a few dozen of the program's descriptors, not thousands.
    expect(openFiles(pid)).toBeLessThan(200);
    // The open tab keeps receiving records while the flood's sockets are held open.
    const before = recordCount(await count.textContent());
    await expect.poll(async () => recordCount(await count.textContent()), { timeout: 10_000 }).toBeGreaterThan(before);
    // A tab opened now loads the page and gets records too.
    const late = await browser.context.newPage();
    await late.goto(url);
    await expect
      .poll(async () => recordCount(await late.getByTestId('record-count').textContent()), { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(openFiles(pid)).toBeLessThan(200);

    script.child.stdin?.write('stop\n');
    expect(await script.exited).toEqual({ code: 0, signal: null });
    const [, reads, failed] = /reads (\d+) failed (\d+)/.exec(script.stderr()) ?? [];
    expect(Number(reads)).toBeGreaterThan(50);
    expect(Number(failed)).toBe(0);
  });
});
