import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { type EndMessage, LINES_HEAD } from '@pulselog/shared';
import { afterEach, describe, expect, it } from 'vitest';
import type { PackedRecords } from '../batch/packed.js';
import type { HubFeedMessage } from '../server/messages.js';
import { PipelineClient } from './client.js';

const end: EndMessage = { type: 'end', reason: 'shutdown', at: 1_700_000_001_000, lastSeq: 40 };
const endLine = `${JSON.stringify(end)}\n`;

/** Records `from..to` as the logging thread packs them; each line is 60 to 70 bytes. */
function packed(from: number, to: number): [PackedRecords, number, number, number] {
  const st: number[] = [];
  const tails: string[] = [];
  for (let seq = from; seq <= to; seq++) {
    st.push(seq, 1_700_000_000_000 + seq + 0.25);
    tails.push(`,"level":"info","msg":"record ${seq} ✓"}`);
  }
  const chars = tails.join('\n').length + 40 * st.length;
  return [{ st: new Float64Array(st), tails: tails.join('\n'), chars, sent: chars }, from, to, to - from + 1];
}

/** A pipeline feeding a channel this test reads, as the dashboard's hub would. */
function fedPipeline(maxBehind: number, options: { unwritable?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-feed-'));
  let sessionDir = dir;
  if (options.unwritable) {
    // A folder that cannot be made: its parent is a file.
    writeFileSync(join(dir, 'file'), '');
    sessionDir = join(dir, 'file', 'sessions');
  }
  const channel = new MessageChannel();
  const progress = new SharedArrayBuffer(12);
  const lost: { from: number; to: number; count: number }[] = [];
  const pipeline = new PipelineClient({
    data: {
      file: join(sessionDir, 'feed.ndjson'),
      header: `${JSON.stringify({ type: 'session', session: { id: 'feed-1' } })}\n`,
      name: 'feed',
      keepSessions: 20,
      flushIntervalMs: 10,
      cwd: dir,
      outputs: [],
    },
    hub: {
      feed: { port: channel.port1, progress, takenSlot: 2, maxBehind },
      lost: (from, to, count) => lost.push({ from, to, count }),
    },
  });
  const received: HubFeedMessage[] = [];
  channel.port2.on('message', (message: HubFeedMessage) => received.push(message));
  const read = () => readFileSync(join(dir, readdirSync(dir)[0] as string), 'utf8');
  closers.push(async () => {
    channel.port2.close();
    await pipeline.close(endLine, 5000);
  });
  return { pipeline, received, lost, taken: new Int32Array(progress), read };
}

/** The lines a `frame` message carries, after its head. */
function framedLines(message: Extract<HubFeedMessage, { t: 'frame' }>): string {
  const text = Buffer.from(message.frame).toString();
  expect(text.startsWith(LINES_HEAD)).toBe(true);
  return text.slice(LINES_HEAD.length);
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe('PipelineClient feeding the hub', () => {
  it('passes on what it writes, in the order of the file: records as a frame of their lines', async () => {
    const { pipeline, received, read } = fedPipeline(1 << 30);
    pipeline.records(...packed(1, 10));
    pipeline.line(
      `${JSON.stringify({ type: 'checkpoint', op: 'upsert', checkpoint: { name: 'e1', ts: 5, status: 'DONE', data: { loss: 0.3 } } })}\n`,
    );
    pipeline.line(`${JSON.stringify({ type: 'gap', reason: 'dropped', from: 11, to: 20, count: 10 })}\n`);
    pipeline.records(...packed(21, 40));
    pipeline.closeSync(endLine, 5000);
    await until(() => received.length === 5);
    const text = (message: HubFeedMessage) =>
      message.t === 'frame' ? framedLines(message) : message.t === 'line' ? message.text : '';
    // The file is its header line, then exactly what was passed on.
    const [header, ...rest] = read().split(/(?<=\n)/);
    expect(JSON.parse(header as string)).toMatchObject({ type: 'session', session: { id: 'feed-1' } });
    expect(received.map(text).join('')).toBe(rest.join(''));
    expect(received.map((m) => (m.t === 'frame' ? `frame ${m.firstSeq}-${m.lastSeq} (${m.count})` : m.t))).toEqual([
      'frame 1-10 (10)',
      'line',
      'line',
      'frame 21-40 (20)',
      'line',
    ]);
    expect(text(received[0] as HubFeedMessage)).toContain('"msg":"record 1 ✓"');
    // What the hub counts, and the pipeline counts as fed to it, is the size of the lines in UTF-8.
    for (const m of received) if (m.t === 'frame') expect(m.chars).toBe(Buffer.byteLength(framedLines(m)));
  });

  it('passes the hub over while it is too far behind, the file keeping every record, and resumes once it catches up', async () => {
    const { pipeline, received, taken, read } = fedPipeline(1000);
    for (let k = 0; k < 6; k++) pipeline.records(...packed(k * 10 + 1, k * 10 + 10));
    await until(() => received.length === 6);
    // About 650 characters a batch: the second goes while the hub has taken nothing, the rest are passed over.
    expect(received.map((m) => m.t)).toEqual(['frame', 'frame', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(received[2]).toEqual({ t: 'skipped', from: 21, to: 30, count: 10 });
    const fed = received.reduce((n, m) => n + (m.t === 'frame' ? m.chars : 0), 0);
    Atomics.store(taken, 2, fed);
    pipeline.records(...packed(61, 70));
    await until(() => received.length === 7);
    expect(received[6]).toMatchObject({ t: 'frame', firstSeq: 61, lastSeq: 70 });
    const seqs = read()
      .split('\n')
      .filter((line) => line.startsWith('{"seq":'))
      .map((line) => JSON.parse(line).seq);
    expect(seqs).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
  });

  it('never passes the hub over when no file holds the records: the logger is held back instead', async () => {
    const { pipeline, received } = fedPipeline(1000, { unwritable: true });
    for (let k = 0; k < 3; k++) pipeline.records(...packed(k * 10 + 1, k * 10 + 10));
    // The hub also hears of the file, for the dashboard's warning.
    const records = () => received.filter((m) => m.t !== 'file');
    await until(() => records().length === 3);
    expect(pipeline.fileErrors()).toBe(1);
    expect(records().map((m) => m.t)).toEqual(['frame', 'frame', 'frame']);
  });
});

describe('PipelineClient whose thread dies', () => {
  it('counts what was in passage and after as undelivered, tells the hub, and waits for nothing more', async () => {
    const { pipeline, lost } = fedPipeline(1 << 30);
    const worker = (pipeline as unknown as { worker: import('node:worker_threads').Worker }).worker;
    // As a crash would: the thread goes away without being asked to close.
    await worker.terminate();
    await until(() => pipeline.flushSync(10) === false);
    pipeline.records(...packed(11, 20));
    expect(pipeline.undelivered()).toBe(10);
    expect(lost).toEqual([{ from: 11, to: 20, count: 10 }]);
    expect(pipeline.busy()).toBe(false);
    expect(await pipeline.flush(5000)).toBe(false);
  });
});
