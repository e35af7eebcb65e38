import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LineBatch } from '../pipeline/line-batch.js';
import { formatJoinAddress } from './address.js';
import { JoinReceiver } from './receiver.js';
import { JOIN_PROGRESS, JOIN_PROGRESS_SLOTS, JoinSender } from './sender.js';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz_-0123';

interface Delivered {
  source: string;
  times: number[];
  tails: string[];
}

function batch(first: number, count: number): LineBatch {
  let text = '';
  for (let i = 0; i < count; i++)
    text += `{"seq":${first + i},"ts":${1000 + first + i}.5,"level":"info","msg":"r${first + i}"}\n`;
  return new LineBatch(text, first, first + count - 1, count);
}

/** Every record handed on, in the order it was. */
function flat(got: Delivered[]): { source: string; time: number; tail: string }[] {
  return got.flatMap((d) => d.tails.map((tail, i) => ({ source: d.source, time: d.times[i] as number, tail })));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(
  behind = () => false,
  hold?: { windowMs: number; maxHoldMs: number },
): Promise<{ receiver: JoinReceiver; socket: string; got: Delivered[] }> {
  const got: Delivered[] = [];
  const r = new JoinReceiver(
    {
      deliver: (source, times, tails) => got.push({ source, times: [...times], tails }),
      behind,
      left: (source) => got.push({ source, times: [], tails: ['left'] }),
    },
    hold,
  );
  const socket = join(mkdtempSync(join(tmpdir(), 'pulselog-join-')), 'hub.sock');
  await r.listenSocket(socket, (presented) => presented === TOKEN);
  cleanups.push(() => r.close());
  return { receiver: r, socket, got };
}

function sender(
  socket: string,
  token = TOKEN,
  thread = 2,
): { sender: JoinSender; progress: Int32Array; failures: string[] } {
  const sab = new SharedArrayBuffer(4 * JOIN_PROGRESS_SLOTS);
  const failures: string[] = [];
  const s = new JoinSender(
    {
      address: formatJoinAddress({ kind: 'unix', target: socket, token }),
      hello: { type: 'join', name: 'worker', pid: 4242, thread },
      progress: sab,
    },
    (message) => failures.push(message),
  );
  cleanups.push(() => s.close(1000));
  return { sender: s, progress: new Int32Array(sab), failures };
}

describe('joining a dashboard', () => {
  it('delivers batches as records of the source, and acknowledges them for flush()', async () => {
    const hub = await receiver();
    const { sender: s, progress } = sender(hub.socket);
    const first = batch(1, 3);
    const second = batch(4, 2);
    s.take(first);
    s.take(second);
    s.line('{"type":"checkpoint","op":"delete","name":"x"}\n');
    s.line('{"type":"gap","reason":"dropped","from":6,"to":9,"count":4}\n');
    expect(await s.whenAcked(10_000)).toBe(true);
    expect(Atomics.load(progress, JOIN_PROGRESS.acked)).toBe(first.text.length + second.text.length);
    expect(s.fed).toBe(first.text.length + second.text.length);
    const records = flat(hub.got);
    expect(new Set(records.map((r) => r.source))).toEqual(new Set(['worker[4242:2]']));
    expect(records.map((r) => r.time).slice(0, 5)).toEqual([1001.5, 1002.5, 1003.5, 1004.5, 1005.5]);
    expect(JSON.parse(`{"ts":0${records[4]?.tail}`)).toEqual({
      ts: 0,
      level: 'info',
      msg: 'r5',
      source: 'worker[4242:2]',
    });
    expect(JSON.parse(`{"ts":0${records[5]?.tail}`)).toMatchObject({ level: 'warning', fields: { dropped: 4 } });
    expect(records).toHaveLength(6);
    expect(hub.receiver.counts()).toEqual({ connected: 1, joined: 1, gone: 0 });
    await s.close(1000);
    await expect.poll(() => hub.receiver.counts()).toEqual({ connected: 0, joined: 1, gone: 1 });
    expect(hub.got.at(-1)).toEqual({ source: 'worker[4242:2]', times: [], tails: ['left'] });
  });

  it('acknowledges records only once they are handed on: a joiner killed after flush() has lost nothing', async () => {
    const events: string[] = [];
    const send = WebSocket.prototype.send;
    // The hub's acknowledgements, in the order they leave, among the records handed on.
    WebSocket.prototype.send = function (this: WebSocket, data: unknown, ...rest: unknown[]) {
      if (typeof data === 'string' && data.includes('"type":"ack"')) events.push('ack');
      return (send as (...args: unknown[]) => void).call(this, data, ...rest);
    } as typeof send;
    cleanups.push(() => {
      WebSocket.prototype.send = send;
    });
    const r = new JoinReceiver({
      deliver: (_source, _times, tails) => events.push(`deliver ${tails.length}`),
      behind: () => false,
      left: () => {},
    });
    const socket = join(mkdtempSync(join(tmpdir(), 'pulselog-join-')), 'hub.sock');
    await r.listenSocket(socket, (presented) => presented === TOKEN);
    cleanups.push(() => r.close());
    const { sender: s } = sender(socket);
    s.take(batch(1, 3));
    expect(await s.whenAcked(10_000)).toBe(true);
    expect(events).toEqual(['deliver 3', 'ack']);
  });

  it('waits for a socket that is not there yet: a child may start before its parent listens', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-join-'));
    const socket = join(dir, 'late.sock');
    const { sender: s } = sender(socket);
    s.take(batch(1, 2));
    const got: Delivered[] = [];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = new JoinReceiver({
      deliver: (source, times, tails) => got.push({ source, times: [...times], tails }),
      behind: () => false,
      left: () => {},
    });
    await late.listenSocket(socket, (presented) => presented === TOKEN);
    cleanups.push(() => late.close());
    expect(await s.whenAcked(10_000)).toBe(true);
    expect(got.flatMap((d) => d.tails)).toHaveLength(2);
  });

  it('is refused without the right token, and counts what it could not deliver', async () => {
    const hub = await receiver();
    const { sender: s, progress, failures } = sender(hub.socket, 'A'.repeat(32));
    s.take(batch(1, 3));
    await expect.poll(() => failures.length, { timeout: 5000 }).toBe(1);
    expect(failures[0]).toMatch(/401.*3 record\(s\) in passage/);
    s.take(batch(4, 2));
    expect(Atomics.load(progress, JOIN_PROGRESS.lost)).toBe(5);
    expect(await s.whenAcked(100)).toBe(false);
    expect(hub.got).toEqual([]);
  });

  it('stops reading a joiner while the logger is behind, and goes on once it caught up', async () => {
    let behind = true;
    const hub = await receiver(() => behind);
    const { sender: s } = sender(hub.socket);
    s.take(batch(1, 1));
    s.take(batch(2, 1));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.got).toHaveLength(0);
    expect(await s.whenAcked(50)).toBe(false);
    behind = false;
    expect(await s.whenAcked(10_000)).toBe(true);
    expect(flat(hub.got)).toHaveLength(2);
  });

  it('hands on the records of several joiners merged by time, each in its own order', async () => {
    // A window long enough for both joiners' batches to arrive on a busy machine.
    const hub = await receiver(undefined, { windowMs: 1500, maxHoldMs: 3000 });
    const a = sender(hub.socket).sender;
    const b = sender(hub.socket, TOKEN, 3).sender;
    const now = Date.now();
    const lines = (name: string, times: number[]) =>
      new LineBatch(
        times.map((t, i) => `{"seq":${i + 1},"ts":${t},"level":"info","msg":"${name}${i}"}\n`).join(''),
        1,
        times.length,
        times.length,
      );
    a.take(lines('a', [now + 1, now + 5, now + 9]));
    b.take(lines('b', [now + 2, now + 3, now + 12]));
    expect(await Promise.all([a.whenAcked(10_000), b.whenAcked(10_000)])).toEqual([true, true]);
    expect(flat(hub.got).map((r) => JSON.parse(`{${r.tail.slice(1)}`).msg)).toEqual([
      'a0',
      'b0',
      'b1',
      'a1',
      'a2',
      'b2',
    ]);
  });
});
