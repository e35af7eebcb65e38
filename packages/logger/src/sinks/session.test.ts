import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { type EndMessage, LINES_HEAD, type SessionInfo } from '@pulselog/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import { RecordBatch } from '../core/packed.js';
import type { FromRecorder } from '../server/messages.js';
import { SessionSink } from './session.js';
import type { RecorderFeed } from './session-worker.js';

const session: SessionInfo = {
  id: 'feed-1',
  name: 'feed',
  pid: 1,
  host: 'here',
  startedAt: 1_700_000_000_000,
  versions: { pulselog: '0', node: process.version, protocol: 1 },
};
const end: EndMessage = { type: 'end', reason: 'shutdown', at: 1_700_000_001_000, lastSeq: 40 };

/** Records `from..to` as the logging thread packs them; each line is 60 to 70 bytes. */
function batch(from: number, to: number): RecordBatch {
  const st: number[] = [];
  const tails: string[] = [];
  for (let seq = from; seq <= to; seq++) {
    st.push(seq, 1_700_000_000_000 + seq + 0.25);
    tails.push(`,"level":"info","msg":"record ${seq} ✓"}`);
  }
  const chars = tails.join('\n').length + 40 * st.length;
  const packed = { st: new Float64Array(st), tails: tails.join('\n'), chars, sent: chars };
  return new RecordBatch(packed, from, to, to - from + 1);
}

/** A recorder fed into a channel this test reads, as the dashboard's hub would. */
function fedRecorder(maxBehind: number, options: { unwritable?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-feed-'));
  let sessionDir = dir;
  if (options.unwritable) {
    // A folder that cannot be made: its parent is a file.
    writeFileSync(join(dir, 'file'), '');
    sessionDir = join(dir, 'file', 'sessions');
  }
  const config = resolveConfig({ sessionDir, dashboard: false }, { env: {}, cwd: dir });
  const channel = new MessageChannel();
  const progress = new SharedArrayBuffer(12);
  const feed: RecorderFeed = { port: channel.port1, head: LINES_HEAD, progress, takenSlot: 2, maxBehind };
  const sink = new SessionSink(config, session, feed);
  const received: FromRecorder[] = [];
  channel.port2.on('message', (message: FromRecorder) => received.push(message));
  const read = () => readFileSync(join(dir, readdirSync(dir)[0] as string), 'utf8');
  closers.push(async () => {
    channel.port2.close();
    await sink.close(end, 5000);
  });
  return { sink, received, taken: new Int32Array(progress), read, port: channel.port2 };
}

/** The lines a `frame` message carries, after its head. */
function framedLines(message: Extract<FromRecorder, { t: 'frame' }>): string {
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

describe('SessionSink with a feed', () => {
  it('passes on what it writes, in the order of the file: records as a frame of their lines', async () => {
    const { sink, received, read } = fedRecorder(1 << 30);
    sink.write(batch(1, 10));
    sink.checkpoint({
      type: 'checkpoint',
      op: 'upsert',
      checkpoint: { name: 'e1', ts: 5, status: 'DONE', data: { loss: 0.3 } },
    });
    sink.dropped(11, 20, 10);
    sink.write(batch(21, 40));
    sink.closeSync(end, 5000);
    await until(() => received.length === 5);
    const text = (message: FromRecorder) =>
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
    expect(text(received[0] as FromRecorder)).toContain('"msg":"record 1 ✓"');
    // What the hub counts is the text's length, as the logger counted it.
    for (const m of received) if (m.t === 'frame') expect(m.chars).toBe(framedLines(m).length);
  });

  it('passes the hub over while it is too far behind, the file keeping every record, and resumes once it catches up', async () => {
    const { sink, received, taken, read } = fedRecorder(1000);
    for (let k = 0; k < 6; k++) sink.write(batch(k * 10 + 1, k * 10 + 10));
    await until(() => received.length === 6);
    // About 650 characters a batch: the second goes while the hub has taken nothing, the rest are passed over.
    expect(received.map((m) => m.t)).toEqual(['frame', 'frame', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(received[2]).toEqual({ t: 'skipped', from: 21, to: 30, count: 10, lost: false });
    const fed = received.reduce((n, m) => n + (m.t === 'frame' ? m.chars : 0), 0);
    Atomics.store(taken, 2, fed);
    sink.write(batch(61, 70));
    await until(() => received.length === 7);
    expect(received[6]).toMatchObject({ t: 'frame', firstSeq: 61, lastSeq: 70 });
    const seqs = read()
      .split('\n')
      .filter((line) => line.startsWith('{"seq":'))
      .map((line) => JSON.parse(line).seq);
    expect(seqs).toEqual(Array.from({ length: 70 }, (_, i) => i + 1));
  });

  it('still feeds the hub when the file cannot be opened, and calls records it passes over lost', async () => {
    const { sink, received } = fedRecorder(1000, { unwritable: true });
    for (let k = 0; k < 3; k++) sink.write(batch(k * 10 + 1, k * 10 + 10));
    await until(() => received.length === 3);
    expect(sink.errors()).toBe(1);
    expect(received.map((m) => m.t)).toEqual(['frame', 'frame', 'skipped']);
    expect(received[2]).toEqual({ t: 'skipped', from: 21, to: 30, count: 10, lost: true });
  });
});

describe('SessionSink whose thread dies', () => {
  it('says so once, counts it as a failure and waits for nothing more; an orderly close says nothing', async () => {
    const { sink } = fedRecorder(1 << 30);
    let died = 0;
    sink.whenDied(() => died++);
    sink.write(batch(1, 10));
    // As a crash would: the thread goes away without being asked to close.
    const worker = (sink as unknown as { worker: import('node:worker_threads').Worker }).worker;
    await worker.terminate();
    await until(() => died === 1);
    expect(sink.errors()).toBe(1);
    sink.write(batch(11, 20));
    expect(sink.flushSync(5000)).toBe(false);
    expect(await sink.flush(5000)).toBe(false);
    expect(died).toBe(1);

    const other = fedRecorder(1 << 30);
    let otherDied = 0;
    other.sink.whenDied(() => otherDied++);
    await other.sink.close(end, 5000);
    expect(otherDied).toBe(0);
  });
});
