import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY, Delivery, type DeliverySettings, type Send } from './delivery.js';
import { Spool } from './spool.js';
import { batchOf, lines, until } from './test-support.js';

function delivery(send: Send, more: Partial<DeliverySettings> = {}, maxSpoolBytes = 1e9) {
  const settings = { ...DEFAULT_DELIVERY, batchInterval: 10, retry: { baseMs: 20, maxMs: 2000 }, ...more };
  return new Delivery(send, new Spool(mkdtempSync(join(tmpdir(), 'pulselog-delivery-')), maxSpoolBytes), settings);
}

const seqs = (sent: readonly string[]) => sent.map((line) => JSON.parse(line).seq as number);

describe('Delivery', () => {
  it('sends batches of at most batchRecords, and the rest after batchInterval', async () => {
    const sizes: number[] = [];
    const d = delivery(
      async (l) => {
        sizes.push(l.length);
        return { sent: l.length, rejected: 0, retry: [] };
      },
      { batchRecords: 40, batchInterval: 50 },
    );
    await d.write(batchOf(lines(1, 100)));
    await until(() => d.stats().sent === 100, 5000, '100 sent');
    expect(sizes).toEqual([40, 40, 20]);
  });

  it('does not retry a refusal: counts it and keeps the server message', async () => {
    let calls = 0;
    const d = delivery(async (l) => {
      calls++;
      return { sent: 0, rejected: l.length, retry: [], message: 'HTTP 400: bad stream' };
    });
    await d.write(batchOf(lines(1, 5)));
    await until(() => d.stats().rejected === 5, 5000, 'the refusal');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await d.close();
    expect(calls).toBe(1);
    expect(d.stats()).toMatchObject({
      sent: 0,
      rejected: 5,
      retries: 0,
      spooled: 0,
      lastError: 'HTTP 400: bad stream',
    });
  });

  it('waits as long as Retry-After asks before trying again', async () => {
    const at: number[] = [];
    const d = delivery(async (l) => {
      at.push(Date.now());
      if (at.length === 1) return { sent: 0, rejected: 0, retry: l, message: 'HTTP 429', retryAfter: '1' };
      return { sent: l.length, rejected: 0, retry: [] };
    });
    await d.write(batchOf(lines(1, 5)));
    await until(() => d.stats().sent === 5, 5000, 'the retry');
    expect((at[1] as number) - (at[0] as number)).toBeGreaterThanOrEqual(990);
    expect(d.stats()).toMatchObject({ retries: 1, retrying: 0, spooled: 0 });
  });

  it('retries a network failure with growing delays, keeping the records on disk meanwhile', async () => {
    const sent: string[] = [];
    let failures = 0;
    const d = delivery(async (l) => {
      if (failures < 4) {
        failures++;
        throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      }
      sent.push(...l);
      return { sent: l.length, rejected: 0, retry: [] };
    });
    await d.write(batchOf(lines(1, 30)));
    await until(() => failures >= 1, 5000, 'a failure');
    expect(d.stats()).toMatchObject({ spooled: 30, retrying: 30, lastError: 'fetch failed: ECONNREFUSED' });
    await d.write(batchOf(lines(31, 40)));
    await until(() => d.stats().sent === 40, 10_000, 'everything');
    expect(seqs(sent)).toEqual(seqs(lines(1, 40)));
    expect(d.stats()).toMatchObject({ retries: 4, spooled: 0, retrying: 0 });
  });

  it('has up to `concurrency` requests in flight while the backend is healthy, and sends every record once', async () => {
    let inFlight = 0;
    let most = 0;
    const sent: string[] = [];
    const d = delivery(
      async (l) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inFlight--;
        sent.push(...l);
        return { sent: l.length, rejected: 0, retry: [] };
      },
      { batchRecords: 10, concurrency: 3 },
    );
    for (let k = 0; k < 10; k++) await d.write(batchOf(lines(k * 10 + 1, k * 10 + 10)));
    await until(() => d.stats().sent === 100, 5000, '100 sent');
    await d.close();
    expect(most).toBe(3);
    expect(seqs(sent).sort((a, b) => a - b)).toEqual(seqs(lines(1, 100)));
    expect(d.stats()).toMatchObject({ sent: 100, retries: 0, spooled: 0, dropped: 0 });
  });

  it('after a failure among requests in flight, spools every unsent run in order and sends them one by one', async () => {
    const sent: number[] = [];
    let failed = false;
    let spooledMeanwhile = 0;
    const d = delivery(
      async (l) => {
        const first = JSON.parse(l[0] as string).seq as number;
        // The third run fails while the first two are still in flight.
        await new Promise((resolve) => setTimeout(resolve, first === 21 ? 5 : 60));
        if (first === 21 && !failed) {
          failed = true;
          throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
        }
        spooledMeanwhile = Math.max(spooledMeanwhile, d.stats().spooled);
        sent.push(...seqs(l));
        return { sent: l.length, rejected: 0, retry: [] };
      },
      { batchRecords: 10, concurrency: 3 },
    );
    await d.write(batchOf(lines(1, 60)));
    await until(() => d.stats().sent === 60, 10_000, '60 sent');
    await d.close();
    expect([...sent.slice(0, 20)].sort((a, b) => a - b)).toEqual(seqs(lines(1, 20)));
    expect(sent.slice(20)).toEqual(seqs(lines(21, 60)));
    expect(spooledMeanwhile).toBe(40);
    expect(d.stats()).toMatchObject({ sent: 60, retries: 1, spooled: 0, retrying: 0, dropped: 0 });
  });

  it('drops the oldest spooled records past the spool bound while the backend is down, and counts them', async () => {
    const size = Buffer.byteLength(`${lines(1, 10).join('\n')}\n`);
    const d = delivery(
      async () => {
        throw new Error('down');
      },
      { batchRecords: 10, exitTimeout: 200 },
      size * 3.5,
    );
    for (let k = 0; k < 10; k++) await d.write(batchOf(lines(k * 10 + 1, k * 10 + 10)));
    await d.close();
    const stats = d.stats();
    expect(stats.dropped + stats.spooled).toBe(100);
    expect(stats.spooled).toBeLessThanOrEqual(40);
    expect(stats.dropped).toBeGreaterThanOrEqual(60);
  });
});
