import type { Socket } from 'node:net';
import type { GapMessage } from '@pulselog/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunk, connect, startTestHub, type TestClient, type TestHub } from './test-support.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
/** A client that has connected and subscribed, so that what the hub gets next reaches it live. */
async function subscribed(hub: TestHub): Promise<TestClient> {
  const client = connect(hub.origin);
  await client.until(() => client.messages.length > 0);
  await new Promise((r) => setTimeout(r, 50));
  return client;
}
const gaps = (client: TestClient) => client.messages.filter((m): m is GapMessage => m.type === 'gap');
/** A client's batches and gaps in the order they came: `batch <first seq>`, `gap <from>-<to> <reason>`. */
const stream = (client: TestClient) =>
  client.messages
    .filter((m) => m.type === 'batch' || m.type === 'gap')
    .map((m) => (m.type === 'gap' ? `gap ${m.from}-${m.to} ${m.reason}` : `batch ${m.records[0]?.seq}`));

describe('Hub', () => {
  let t: TestHub;
  beforeEach(async () => {
    t = await startTestHub();
  });
  afterEach(async () => {
    await t.close();
  });

  it('sends a late client the backlog, then live records, each once and in order', async () => {
    t.hub.append(chunk(1, 500));
    t.hub.append(chunk(501, 1000));
    const client = connect(t.origin);
    await client.until(() => client.seqs.length === 1000);
    t.hub.append(chunk(1001, 1200));
    await client.until(() => client.seqs.length === 1200);
    expect(client.seqs).toEqual(range(1, 1200));
    expect(client.messages[0]).toMatchObject({ type: 'hello', lastSeq: 1000, firstSeq: 1 });
  });

  it('resumes a reconnecting client after its last seq: no duplicates, no holes', async () => {
    t.hub.append(chunk(1, 1000));
    const first = connect(t.origin);
    await first.until(() => first.seqs.length === 1000);
    first.ws.close();
    await first.closed;
    t.hub.append(chunk(1001, 1500));
    // It had 1..700 when it went away (say the page kept fewer); it asks for the rest.
    const again = connect(t.origin, { resume: { sessionId: 'test-1', lastSeq: 700 } });
    await again.until(() => again.seqs.length === 800);
    t.hub.append(chunk(1501, 1600));
    await again.until(() => again.seqs.length === 900);
    expect(again.seqs).toEqual(range(701, 1600));
    expect(gaps(again)).toEqual([]);
  });

  it('starts from the beginning for a client holding another session', async () => {
    t.hub.append(chunk(1, 300));
    const client = connect(t.origin, { resume: { sessionId: 'earlier-run', lastSeq: 5000 } });
    await client.until(() => client.seqs.length === 300);
    expect(client.seqs).toEqual(range(1, 300));
  });

  it('sends chunks arriving close together as fewer frames, every record once and in order', async () => {
    const client = await subscribed(t);
    for (let i = 0; i < 50; i++) t.hub.append(chunk(i * 100 + 1, i * 100 + 100));
    await client.until(() => client.seqs.length === 5000);
    expect(client.seqs).toEqual(range(1, 5000));
    // The first chunk goes at once; the rest, handed over within the same moment, go together.
    expect(client.messages.filter((m) => m.type === 'batch').length).toBeLessThanOrEqual(3);
  });

  it('sends a checkpoint after the records that came before it, though they wait to go together', async () => {
    const client = await subscribed(t);
    t.hub.append(chunk(1, 100));
    t.hub.append(chunk(101, 200));
    t.hub.checkpoint({ type: 'checkpoint', op: 'upsert', checkpoint: { name: 'epoch', data: null, ts: 1 } });
    await client.until(() => client.messages.some((m) => m.type === 'checkpoint'));
    const order = client.messages.flatMap((m): (number | string)[] =>
      m.type === 'batch' ? m.records.map((r) => r.seq) : [m.type],
    );
    expect(order.slice(1)).toEqual([...range(1, 200), 'checkpoint']);
  });

  it('keeps a drop note between the records around it when joining chunks', async () => {
    t.hub.append(chunk(1, 100));
    t.hub.append(chunk(101, 200));
    t.hub.noteDropped(201, 210, 10);
    t.hub.append(chunk(211, 300));
    t.hub.append(chunk(301, 400));
    // A late client reads it all from the buffer at once: the chunks on each side of the note are joined.
    const client = connect(t.origin);
    await client.until(() => client.seqs.length === 390);
    expect(client.seqs).toEqual([...range(1, 200), ...range(211, 400)]);
    expect(stream(client)).toEqual(['batch 1', 'gap 201-210 dropped', 'batch 211']);
  });

  it('sends several clients every record each', async () => {
    const clients = Array.from({ length: 4 }, () => connect(t.origin));
    await Promise.all(clients.map((c) => c.until(() => c.messages.length > 0)));
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 20; i++) t.hub.append(chunk(i * 100 + 1, i * 100 + 100));
    for (const client of clients) {
      await client.until(() => client.seqs.length === 2000);
      expect(client.seqs).toEqual(range(1, 2000));
    }
  });

  it('closes a client that sends an invalid or oversized message, with a reason, and no other', async () => {
    t.hub.append(chunk(1, 10));
    const good = connect(t.origin);
    const bad = connect(t.origin, { resume: null });
    const big = connect(t.origin, { resume: null });
    await bad.until(() => bad.messages.length > 0);
    await big.until(() => big.messages.length > 0);
    bad.ws.send('{"type":"subscribe-to-everything"}');
    big.ws.send(JSON.stringify({ type: 'resume', lastSeq: 0, sessionId: 'x'.repeat(10_000) }));
    expect(await bad.closed).toEqual({ code: 1008, reason: 'unknown message type' });
    expect(await big.closed).toEqual({ code: 1008, reason: 'message too large' });
    t.hub.append(chunk(11, 20));
    await good.until(() => good.seqs.length === 20);
    expect(good.ws.readyState).toBe(good.ws.OPEN);
  });

  it('refuses a binary frame and a second resume', async () => {
    const binary = connect(t.origin, { resume: null });
    await binary.until(() => binary.messages.length > 0);
    binary.ws.send(Buffer.from('{"type":"resume","lastSeq":0}'));
    expect((await binary.closed).reason).toBe('binary messages are not accepted');
    const twice = connect(t.origin);
    await twice.until(() => twice.messages.length > 0);
    twice.ws.send('{"type":"resume","lastSeq":0}');
    expect((await twice.closed).reason).toBe('resume may be sent once');
  });

  it('gives a client what left the buffer as an explicit evicted gap', async () => {
    const small = await startTestHub(1000, 1 << 30);
    try {
      for (let i = 0; i < 30; i++) small.hub.append(chunk(i * 100 + 1, i * 100 + 100));
      const client = connect(small.origin);
      await client.until(() => client.seqs.length === 1000);
      expect(gaps(client)).toEqual([{ type: 'gap', from: 1, to: 2000, reason: 'evicted', count: 2000 }]);
      expect(client.seqs).toEqual(range(2001, 3000));
    } finally {
      await small.close();
    }
  });

  it('tells live and late clients of dropped records at their place in the stream', async () => {
    const live = await subscribed(t);
    t.hub.append(chunk(1, 100));
    t.hub.noteDropped(101, 150, 50);
    t.hub.append(chunk(151, 200));
    const late = connect(t.origin);
    for (const client of [live, late]) {
      await client.until(() => client.seqs.length === 150);
      expect(stream(client)).toEqual(['batch 1', 'gap 101-150 dropped', 'batch 151']);
    }
    expect(t.hub.stats().dropped).toBe(50);
  });

  it('tells clients of ranges dropped whole, back to back and at the end, then sends end', async () => {
    const live = await subscribed(t);
    t.hub.append(chunk(1, 100));
    // As when the pipeline thread has died: nothing after 100 will ever come.
    t.hub.noteDropped(101, 200, 100);
    t.hub.noteDropped(201, 300, 100);
    t.hub.finish({ type: 'end', reason: 'exit', code: 0, at: Date.now(), lastSeq: 300 });
    const late = connect(t.origin);
    for (const client of [live, late]) {
      await client.until(() => client.messages.some((m) => m.type === 'end'));
      expect(stream(client)).toEqual(['batch 1', 'gap 101-200 dropped', 'gap 201-300 dropped']);
    }
    expect(t.hub.allDelivered()).toBe(true);
  });

  it('tells clients of skipped runs, back to back and at the end, without counting them as dropped', async () => {
    const live = await subscribed(t);
    t.hub.append(chunk(1, 100));
    // The dashboard was passed over for three batches in a row, then caught up, then again at the end.
    t.hub.noteSkipped(101, 200, 100);
    t.hub.noteSkipped(201, 300, 100);
    t.hub.noteSkipped(301, 400, 100);
    t.hub.append(chunk(401, 500));
    t.hub.noteSkipped(501, 600, 100);
    t.hub.noteSkipped(601, 700, 100);
    const late = connect(t.origin);
    for (const client of [live, late]) {
      await client.until(() => gaps(client).length === 5);
      expect(stream(client)).toEqual([
        'batch 1',
        'gap 101-200 skipped',
        'gap 201-300 skipped',
        'gap 301-400 skipped',
        'batch 401',
        'gap 501-600 skipped',
        'gap 601-700 skipped',
      ]);
    }
    // Skipped records are in the session file: counted apart from dropped ones.
    expect(t.hub.stats()).toMatchObject({ dropped: 0, skipped: 500 });
    expect(t.hub.allDelivered()).toBe(true);
  });

  it('gives a held-back client only the latest state of each checkpoint once it catches up', async () => {
    const client = await subscribed(t);
    (client.ws as unknown as { _socket: Socket })._socket.pause();
    for (let i = 0; i < 300; i++) t.hub.append(chunk(i * 1000 + 1, i * 1000 + 1000));
    expect(t.hub.stats().paused).toBe(1);
    const save = (name: string, progress: number) =>
      t.hub.checkpoint({ type: 'checkpoint', op: 'upsert', checkpoint: { name, data: null, progress, ts: 1 } });
    for (let progress = 0; progress <= 100; progress++) save('epoch', progress);
    save('scratch', 1);
    t.hub.checkpoint({ type: 'checkpoint', op: 'delete', name: 'scratch' });
    (client.ws as unknown as { _socket: Socket })._socket.resume();
    await client.until(() => client.seqs.length === 300_000, 30_000);
    await client.until(() => client.messages.filter((m) => m.type === 'checkpoint').length === 2);
    const checkpoints = client.messages.filter((m) => m.type === 'checkpoint');
    expect(checkpoints).toEqual([
      { type: 'checkpoint', op: 'summary', checkpoint: { name: 'epoch', dataSize: 4, progress: 100, ts: 1 } },
      { type: 'checkpoint', op: 'delete', name: 'scratch' },
    ]);
    expect(client.seqs).toEqual(range(1, 300_000));
  });

  it('sends end after the last record and closes connections once they have read it', async () => {
    t.hub.append(chunk(1, 100));
    const client = connect(t.origin);
    await client.until(() => client.seqs.length === 100);
    t.hub.finish({ type: 'end', reason: 'exit', code: 0, at: Date.now(), lastSeq: 100 });
    await client.until(() => client.messages.some((m) => m.type === 'end'));
    expect(client.messages.at(-1)).toMatchObject({ type: 'end', reason: 'exit', lastSeq: 100 });
    expect(t.hub.allDelivered()).toBe(true);
    await t.hub.closeAll(2000);
    expect((await client.closed).code).toBe(1001);
  });

  it('reports clients, records sent, drops, replay use and its own memory in stats', async () => {
    t.hub.append(chunk(1, 100));
    const client = connect(t.origin);
    await client.until(() => client.seqs.length === 100);
    const stats = t.hub.stats();
    expect(stats).toMatchObject({
      clients: 1,
      received: 100,
      sent: 100,
      dropped: 0,
      paused: 0,
      replay: { records: 100, firstSeq: 1, lastSeq: 100, maxRecords: 1_000_000 },
    });
    // The batch as sent: the lines plus the message around them.
    expect(stats.replay.bytes).toBeGreaterThan(chunk(1, 100).lines.length);
    expect(stats.replay.bytes).toBeLessThan(chunk(1, 100).lines.length + 200);
    expect(stats.memory?.heapUsed).toBeGreaterThan(0);
    expect(stats.uptimeMs).toBeGreaterThanOrEqual(0);
  });
});
