import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type DashboardAddress, health, parseDashboardUrl } from './support/client.js';
import { otlpEnv, postLogs, runSdk } from './support/otlp.js';
import { type RunningScript, runScript } from './support/script.js';

/**
 * `ExportLogsServiceRequest { resource_logs { scope_logs { log_records { body { string_value: "hello" } } } } }`
 * in protobuf's wire format: each message a length-delimited field (tag, length, bytes).
 */
const HELLO_PROTOBUF = Buffer.from([0x0a, 13, 0x12, 11, 0x12, 9, 0x2a, 7, 0x0a, 5, ...Buffer.from('hello')]);
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** The row showing `msg`. */
const row = (page: Page, msg: string) => page.locator('[data-seq]', { hasText: msg });

describe('OTLP/HTTP logs into a running dashboard', () => {
  let host: RunningScript;
  let address: DashboardAddress;
  let browser: TestBrowser;
  let page: Page;

  beforeAll(async () => {
    host = runScript('otlp-host.mjs');
    address = parseDashboardUrl(await host.dashboardUrl());
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.kill();
  });

  it('shows what the OpenTelemetry SDK exports, in JSON and in protobuf, with its service and trace ids', async () => {
    const json = await runSdk('json', 'checkout', otlpEnv(address));
    const protobuf = await runSdk('protobuf', 'payments', otlpEnv(address));
    expect([json.code, json.stderr, protobuf.code, protobuf.stderr]).toEqual([0, '', 0, '']);
    await page.goto(`${address.origin}/#token=${address.token}`);
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 }).toBe('7 records');

    for (const [encoding, run, service] of [
      ['json', json, 'checkout'],
      ['protobuf', protobuf, 'payments'],
    ] as const) {
      const placed = row(page, `order placed via ${encoding}`);
      expect(await placed.locator('.source').textContent()).toBe(service);
      expect(await placed.locator('.badge').textContent()).toBe('INFO');
      expect(await row(page, `stock low via ${encoding}`).locator('.badge').textContent()).toBe('WARNING');
      expect(await row(page, `payment failed via ${encoding}`).locator('.err').textContent()).toBe(
        'PaymentError: card declined',
      );
      await placed.locator('.msg').click();
      const detail = page.getByTestId('detail');
      await expect
        .poll(() => detail.locator('.trace').textContent())
        .toBe(`trace_id${run.ids?.traceId}span_id${run.ids?.spanId}`);
    }

    // The same records, in the same order, are in the session file: one road for every record.
    const dir = join(host.cwd, '.pulselog', 'sessions');
    const file = join(dir, readdirSync(dir)[0] as string);
    const records = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.seq !== undefined);
    expect(records.map((r) => [r.seq, r.source, r.msg])).toEqual([
      [1, undefined, 'host ready'],
      [2, 'checkout', 'order placed via json'],
      [3, 'checkout', 'stock low via json'],
      [4, 'checkout', 'payment failed via json'],
      [5, 'payments', 'order placed via protobuf'],
      [6, 'payments', 'stock low via protobuf'],
      [7, 'payments', 'payment failed via protobuf'],
    ]);
    expect(records[1].fields).toEqual({
      order_id: 42,
      express: true,
      trace_id: json.ids?.traceId,
      span_id: json.ids?.spanId,
    });
  });

  it('refuses an exporter without the token, or with a wrong one', async () => {
    const before = await health(address);
    const missing = await runSdk('json', 'intruder', otlpEnv(address, null));
    const wrong = await runSdk('protobuf', 'intruder', otlpEnv(address, 'A'.repeat(43)));
    expect(missing.stderr).toMatch(/^export: Unauthorized$/m);
    expect(wrong.stderr).toMatch(/^export: Unauthorized$/m);
    const after = await health(address);
    expect(after.otlp?.records).toBe(before.otlp?.records);
    expect((after.refused ?? 0) - (before.refused ?? 0)).toBeGreaterThanOrEqual(6);
  });

  it('answers bad input with a clear status and a count, and goes on taking good input', async () => {
    const replies = [
      await postLogs(address, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]), {
        'Content-Type': 'application/x-protobuf',
      }),
      await postLogs(address, HELLO_PROTOBUF.subarray(0, HELLO_PROTOBUF.length - 3), {
        'Content-Type': 'application/x-protobuf',
      }),
      await postLogs(address, '{"resourceLogs": {"scopeLogs": 7}}', JSON_TYPE),
      await postLogs(address, '{"resourceLogs": [', JSON_TYPE),
      // 1 GiB announced: refused at the headers, before a byte of it is read.
      await postLogs(address, '{', { ...JSON_TYPE, 'Content-Length': 2 ** 30 }),
      // 65 MiB streamed without a length: refused once past the 64 MiB limit.
      await postLogs(address, Array(65).fill(Buffer.alloc(1 << 20, 0x20)), JSON_TYPE),
    ];
    expect(replies.map((r) => r.status)).toEqual([400, 400, 400, 400, 413, 413]);
    expect(replies[2]?.body).toContain('resourceLogs is not an array');
    expect(replies[4]?.body).toContain('larger than 67108864 bytes');

    const partial = await postLogs(
      address,
      JSON.stringify({
        resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'kept' } }, { traceId: 'xyz' }] }] }],
      }),
      JSON_TYPE,
    );
    expect(partial.status).toBe(200);
    expect(JSON.parse(partial.body)).toEqual({
      partialSuccess: { rejectedLogRecords: 1, errorMessage: 'traceId is not 16 bytes of hex' },
    });
    expect((await postLogs(address, HELLO_PROTOBUF, { 'Content-Type': 'application/x-protobuf' })).status).toBe(200);

    const stats = await health(address);
    expect(stats.otlp).toMatchObject({ badRequests: 6, rejectedRecords: 1, records: 8 });
    await expect.poll(() => page.getByTestId('record-count').textContent(), { timeout: 20_000 }).toBe('9 records');
    expect(await row(page, 'hello').count()).toBe(1);
    expect(host.child.exitCode).toBeNull();
  });
});
