import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHECKPOINT_DATA_PATH, parseServerMessage } from '@pulselog/shared';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type DashboardAddress, parseDashboardUrl, type RawClient, rawClient } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

/** What `scripts/redact.mjs` logs and must never leave the process. */
const SECRETS = [
  'tok-depth6',
  'hunter2-secret',
  's1-secret',
  's2-secret',
  'bound-secret-1',
  'ctx-secret-token',
  'eyJmsg',
  'AKIAABCDEFGHIJKLMNOP',
  'pw-secret-cp',
];
const RECORDS = 8;
const BODY_LENGTH = 10_000_000;

type Line = { seq?: number; msg?: string; fields?: Record<string, unknown>; err?: { message: string } };

/** The secrets found in `text`: none, when redaction held. */
function leaked(text: string): string[] {
  return SECRETS.filter((secret) => text.includes(secret));
}

/** The records of the script as redaction must leave them, other values untouched. */
function expectRedacted(records: Line[]): void {
  const byMsg = (msg: string) => records.find((r) => r.msg?.startsWith(msg));
  expect(byMsg('deep')?.fields).toEqual({
    a: { b: { c: { d: { e: { token: '[redacted]', keep: 'visible-6' } } } } },
  });
  expect(byMsg('login')?.fields).toEqual({ password: '[redacted]', user: 'ada' });
  expect(byMsg('users')?.fields).toEqual({
    users: [
      { secret: '[redacted]', name: 'first' },
      { secret: '[redacted]', name: 'second' },
    ],
  });
  expect(byMsg('bound')?.fields).toEqual({ headers: { authorization: '[redacted]', host: 'example.test' } });
  expect(byMsg('in context')?.fields).toEqual({ token: '[redacted]', job: 7 });
  expect(byMsg('a message')?.msg).toBe('a message with [redacted] inside');
  expect(byMsg('failed')?.err?.message).toBe('key [redacted] leaked');
  // The 10 MB field is kept whole.
  const body = byMsg('response')?.fields?.body as string;
  expect(body.length).toBe(BODY_LENGTH);
}

/** An output module that appends the lines of every batch to `options.file`. */
const FILE_OUTPUT = `
import { appendFileSync } from 'node:fs';
export default (options) => ({ write(batch) { appendFileSync(options.file, batch.lines.join('\\n') + '\\n'); } });
`;

async function download(page: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  return readFileSync(await file.path(), 'utf8');
}

describe('redaction in everything that leaves the process', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let address: DashboardAddress;
  let url: string;
  let client: RawClient;
  const clientFrames: string[] = [];

  let outputFile: string;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-redact-output-'));
    writeFileSync(join(dir, 'file-output.mjs'), FILE_OUTPUT);
    outputFile = join(dir, 'lines.ndjson');
    script = runScript('redact.mjs', { REDACT_OUTPUT: join(dir, 'file-output.mjs'), REDACT_OUTPUT_FILE: outputFile });
    url = await script.dashboardUrl();
    address = parseDashboardUrl(url);
    browser = await launchBrowser();
    client = rawClient(address);
    client.ws.on('message', (data) => clientFrames.push(data.toString()));
  });

  afterAll(async () => {
    client?.ws.close();
    await browser?.close();
    await script?.kill();
  });

  it('holds in the WebSocket frames a client receives', async () => {
    await client.until(() => client.lastSeq >= RECORDS);
    const frames = clientFrames.join('\n');
    expect(leaked(frames)).toEqual([]);
    const records = clientFrames.flatMap((frame) => {
      const parsed = parseServerMessage(frame);
      return parsed.ok && parsed.value.type === 'batch' ? (parsed.value.records as Line[]) : [];
    });
    expectRedacted(records);
  });

  it('holds in the checkpoint data a tab fetches', async () => {
    const res = await fetch(`${address.origin}${CHECKPOINT_DATA_PATH}?name=cfg`, {
      headers: { Authorization: `Bearer ${address.token}` },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(leaked(text)).toEqual([]);
    expect((JSON.parse(text) as { data: unknown }).data).toEqual({ password: '[redacted]', lr: 0.1 });
  });

  it('holds in the frames of a tab, in what it shows and in its export', async () => {
    const page = await browser.context.newPage();
    const received: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (frame) => received.push(String(frame.payload))));
    await page.goto(url);
    await expect
      .poll(() => page.getByTestId('record-count').textContent(), { timeout: 30_000 })
      .toBe(`${RECORDS} records`);
    // The tab's frames are seen: they carried the 10 MB field too.
    expect(received.join('\n').length).toBeGreaterThan(BODY_LENGTH);
    expect(leaked(received.join('\n'))).toEqual([]);
    expect(leaked((await page.locator('body').textContent()) ?? '')).toEqual([]);

    const exported = await download(page, 'export-session');
    expect(leaked(exported)).toEqual([]);
    const dump = JSON.parse(exported) as { records: Line[] };
    expect(dump.records).toHaveLength(RECORDS);
    expectRedacted(dump.records);
    await page.close();
  });

  it('holds in the session file and in what an output is handed', async () => {
    script.child.stdin?.write('stop\n');
    expect(await script.exited).toEqual({ code: 0, signal: null });
    const dir = join(script.cwd, '.pulselog', 'sessions');
    const [file] = readdirSync(dir).filter((name) => name.endsWith('.ndjson'));
    const text = readFileSync(join(dir, file as string), 'utf8');
    expect(leaked(text)).toEqual([]);
    const lines = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Line & { type?: string; checkpoint?: { data?: unknown } });
    expectRedacted(lines.filter((line) => line.seq !== undefined));
    expect(lines.find((line) => line.type === 'checkpoint')?.checkpoint?.data).toEqual({
      password: '[redacted]',
      lr: 0.1,
    });
    const handed = readFileSync(outputFile, 'utf8');
    expect(leaked(handed)).toEqual([]);
    expectRedacted(
      handed
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line) as Line),
    );
  });
});
