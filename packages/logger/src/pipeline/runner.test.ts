import { describe, expect, it } from 'vitest';
import { LineBatch } from './line-batch.js';
import type { Output, OutputBatch, OutputDeliveryStats } from './output.js';
import { OutputRunner } from './runner.js';

/** A batch of records `from..to` at `level`, as the pipeline thread formats them. */
function batch(from: number, to: number, level = 'info'): LineBatch {
  let text = '';
  for (let seq = from; seq <= to; seq++) text += `{"seq":${seq},"ts":1.000,"level":"${level}","msg":"m${seq}"}\n`;
  return new LineBatch(text, from, to, to - from + 1);
}

function runner(output: Output, more: { level?: 'warning'; maxBacklogChars?: number } = {}) {
  const failures: string[] = [];
  const r = new OutputRunner(
    { target: 'x', options: undefined, level: more.level, name: 'test', maxBacklogChars: more.maxBacklogChars ?? 1e9 },
    Promise.resolve(output),
    { failed: (_name, message) => failures.push(message), changed: () => {} },
  );
  return { r, failures };
}

const seqsOf = (batches: OutputBatch[]) => batches.flatMap((b) => b.records().map((r) => r.seq));

describe('OutputRunner', () => {
  it('hands an output its batches in order, one write at a time, joining what waited meanwhile', async () => {
    const got: OutputBatch[] = [];
    let inFlight = 0;
    const { r } = runner({
      async write(b) {
        expect(++inFlight).toBe(1);
        got.push(b);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
      },
    });
    await Promise.resolve();
    for (let k = 0; k < 10; k++) r.take(batch(k * 10 + 1, k * 10 + 10));
    expect(await r.whenIdle(5000)).toBe(true);
    expect(seqsOf(got)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(got.length).toBeLessThan(10);
    expect(r.stats).toMatchObject({ written: 100, failed: 0, dropped: 0, backlog: 0, errors: 0 });
  });

  it('drops the oldest waiting batches of a slow output past its bound, and counts them for it alone', async () => {
    let release: () => void = () => {};
    const got: OutputBatch[] = [];
    const { r } = runner(
      {
        write(b) {
          got.push(b);
          return new Promise<void>((resolve) => {
            release = resolve;
          });
        },
      },
      { maxBacklogChars: 2000 },
    );
    await Promise.resolve();
    for (let k = 0; k < 10; k++) r.take(batch(k * 10 + 1, k * 10 + 10));
    // The first batch is being written; of the nine waiting (about 500 characters each) the newest few fit the bound.
    expect(r.stats.dropped).toBeGreaterThan(0);
    expect(r.stats.dropped % 10).toBe(0);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    expect(await r.whenIdle(5000)).toBe(true);
    const seqs = seqsOf(got);
    expect(seqs.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(seqs[seqs.length - 1]).toBe(100);
    expect(seqs.length + r.stats.dropped).toBe(100);
  });

  it('counts what a throwing or rejecting output fails, reports the first failure once, and goes on', async () => {
    let calls = 0;
    const { r, failures } = runner({
      write() {
        calls++;
        if (calls % 2 === 1) throw new Error('sync failure');
        return Promise.reject(new Error('async failure'));
      },
    });
    await Promise.resolve();
    r.take(batch(1, 10));
    expect(await r.whenIdle(5000)).toBe(true);
    r.take(batch(11, 20));
    expect(await r.whenIdle(5000)).toBe(true);
    expect(r.stats).toMatchObject({ written: 0, failed: 20, errors: 2, lastError: 'async failure' });
    expect(failures).toEqual(['sync failure']);
  });

  it('gives a levelled output only the records of its level and above', async () => {
    const got: OutputBatch[] = [];
    const { r } = runner({ write: (b) => void got.push(b) }, { level: 'warning' });
    await Promise.resolve();
    r.take(batch(1, 3, 'info'));
    r.take(batch(4, 5, 'error'));
    expect(await r.whenIdle(5000)).toBe(true);
    expect(seqsOf(got)).toEqual([4, 5]);
  });

  it('counts every record as failed when the module cannot be loaded', async () => {
    const failures: string[] = [];
    const r = new OutputRunner(
      { target: 'x', options: undefined, level: undefined, name: 'gone', maxBacklogChars: 1e9 },
      Promise.reject(new Error('Cannot find module')),
      { failed: (_name, message) => failures.push(message), changed: () => {} },
    );
    r.take(batch(1, 10));
    await new Promise((resolve) => setTimeout(resolve, 0));
    r.take(batch(11, 20));
    expect(r.stats).toMatchObject({ failed: 20, errors: 1, backlog: 0 });
    expect(failures).toEqual(['Cannot find module']);
  });

  it("adds an output's own delivery counters to its stats and says its first delivery error once", async () => {
    const delivery = { sent: 0, retrying: 0, spooled: 0, dropped: 0, rejected: 0, retries: 0 } as OutputDeliveryStats;
    const { r, failures } = runner({
      write(b) {
        delivery.spooled += b.count;
        delivery.retrying += b.count;
        delivery.retries++;
        delivery.lastError = 'HTTP 503: busy';
      },
      stats: () => ({ ...delivery }),
    });
    await Promise.resolve();
    r.take(batch(1, 10));
    await new Promise((resolve) => setTimeout(resolve, 600));
    Object.assign(delivery, { spooled: 4, retrying: 4, sent: 4, dropped: 2, rejected: 1 });
    await r.close(1000);
    expect(r.stats).toMatchObject({
      written: 10,
      sent: 4,
      spooled: 4,
      retrying: 4,
      retries: 1,
      rejected: 1,
      failed: 1,
      dropped: 2,
      lastError: 'HTTP 503: busy',
    });
    expect(failures).toEqual(['HTTP 503: busy']);
  });
});
