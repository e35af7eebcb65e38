import type { LogRecord, SessionInfo } from '@pulselog/shared';
import { deleteDB, openDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords, parseLines } from '../core/pack.js';
import { ChunkWriter } from './chunkwriter.js';
import { SessionStore } from './persist.js';
import { SessionModel } from './session.js';

const opened: string[] = [];
let counter = 0;

async function openStore(): Promise<SessionStore> {
  const name = `pulselog-test-${Date.now()}-${counter++}`;
  const store = await SessionStore.open(name);
  opened.push(name);
  return store;
}

function info(id: string, startedAt = 1000): SessionInfo {
  return { id, name: id, pid: 1, host: 'h', startedAt, versions: { pulselog: '', node: '', protocol: 1 } };
}

function records(count: number, from = 1): LogRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    ts: 1000 + i,
    level: i % 10 === 0 ? 'error' : 'info',
    msg: `record ${from + i}`,
  }));
}

/** Hands `list` to `live` as the `Stream` does: written as its lines by `chunks`, then appended. */
function receive(live: SessionModel, chunks: ChunkWriter, list: LogRecord[]): void {
  const run = packRecords(list);
  chunks.write(live.info.value?.id as string, run);
  live.append(run);
}

/** Every record `model` holds, as objects. */
const held = (model: SessionModel) => parseLines(model.store.lines(0, model.size).join('')) as LogRecord[];

/** Waits until the records the `ChunkWriter` was given load back from the database. */
async function stored(store: SessionStore, id: string, count: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const model = new SessionModel('stored');
    await store.load(id, model);
    if (model.size === count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`session ${id} never held ${count} stored records`);
}

/** Waits for the writer's next flush to reach the database. */
async function settle(store: SessionStore, id: string, count: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    await store.refresh();
    if (store.sessions.value.find((s) => s.id === id)?.records === count) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`session ${id} never reached ${count} records`);
}

afterEach(async () => {
  for (const name of opened.splice(0)) {
    // The store's connection gives way to the deletion (see `openDatabase`).
    await deleteDB(name);
  }
});

describe('SessionStore', () => {
  it('keeps every record and checkpoint of the live session and loads them back in order', async () => {
    const store = await openStore();
    const chunks = new ChunkWriter(store.name, (error) => (store.error.value = error));
    const live = new SessionModel();
    const stop = store.record(live);
    live.apply({ type: 'hello', protocol: 1, lastSeq: 0, session: info('run-1') });
    receive(live, chunks, records(12_000));
    live.apply({ type: 'checkpoint', op: 'upsert', checkpoint: { name: 'c', data: { x: 1 }, ts: 5, progress: 50 } });
    receive(live, chunks, records(500, 12_001));
    live.apply({ type: 'end', reason: 'exit', code: 0, at: 99, lastSeq: 12_500 });
    await settle(store, 'run-1', 12_500);
    await stored(store, 'run-1', 12_500);
    stop();

    const again = new SessionModel('stored');
    const meta = await store.load('run-1', again);
    expect(meta?.counts).toMatchObject({ error: 1250, info: 11_250 });
    expect(again.size).toBe(12_500);
    expect(held(again).every((r, i) => r.seq === i + 1)).toBe(true);
    expect(again.store.json(12_499)).toBe(JSON.stringify(records(500, 12_001)[499]));
    expect(again.checkpoints.value.get('c')?.progress).toBe(50);
    expect(again.ended.value?.reason).toBe('exit');
  });

  it('keeps of a live session that evicts what the tab holds, and a reload says how many left', async () => {
    const store = await openStore();
    const chunks = new ChunkWriter(store.name, (error) => (store.error.value = error));
    const live = new SessionModel('live', 5000);
    const stop = store.record(live);
    live.apply({ type: 'hello', protocol: 1, lastSeq: 0, session: info('run-long') });
    for (let from = 1; from <= 20_000; from += 1000) receive(live, chunks, records(1000, from));
    await settle(store, 'run-long', 20_000);
    const oldestHeld = live.record(0)?.seq as number;
    // The stored copy loses the chunks before the one holding the oldest record held, at a flush.
    let again = new SessionModel('stored', 1_000_000);
    for (let i = 0; i < 100; i++) {
      again = new SessionModel('stored', 1_000_000);
      await store.load('run-long', again);
      if (again.size < 10_000) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stop();
    const seqs = held(again).map((r) => r.seq);
    expect(seqs[0]).toBeLessThanOrEqual(oldestHeld);
    expect(seqs[0]).toBeGreaterThan(oldestHeld - 2000);
    expect(seqs).toEqual(records(20_001 - (seqs[0] as number), seqs[0]).map((r) => r.seq));
    expect(again.received).toBe(20_000);
    expect(again.evicted).toBe(20_000 - again.size);
    // Its entry counts the whole session, its bytes only what is kept.
    const entry = store.sessions.value.find((s) => s.id === 'run-long');
    expect(entry?.records).toBe(20_000);
    expect(entry?.bytes).toBeLessThan((entry?.records ?? 0) * 100);
  });

  it('does not queue more than its bound for a database behind, and says how many records it did not save', async () => {
    const store = await openStore();
    const errors: string[] = [];
    const size = packRecords(records(1000)).lines.length;
    // Room for two runs waiting: the database takes none before this task ends.
    const chunks = new ChunkWriter(store.name, (error) => errors.push(error), size * 2.5);
    const live = new SessionModel();
    const stop = store.record(live);
    live.apply({ type: 'hello', protocol: 1, lastSeq: 0, session: info('run-behind') });
    for (let from = 1; from <= 5000; from += 1000) receive(live, chunks, records(1000, from));
    expect(errors.at(-1)).toBe(
      'Saving the session in the browser fell behind: 3000 records not saved there (the session file has them)',
    );
    await settle(store, 'run-behind', 5000);
    await stored(store, 'run-behind', 2000);
    // Once written, it takes runs again.
    receive(live, chunks, records(1000, 5001));
    await stored(store, 'run-behind', 3000);
    expect(errors).toHaveLength(3);
    stop();
  });

  it('continues a reloaded session instead of starting it over', async () => {
    const store = await openStore();
    const chunks = new ChunkWriter(store.name, (error) => (store.error.value = error));
    const first = new SessionModel();
    const stopFirst = store.record(first);
    first.apply({ type: 'hello', protocol: 1, lastSeq: 0, session: info('run-2') });
    receive(first, chunks, records(100));
    await settle(store, 'run-2', 100);
    await stored(store, 'run-2', 100);
    stopFirst();

    const second = new SessionModel();
    const loaded = await store.load('run-2', second);
    const stop = store.record(second, loaded);
    second.apply({ type: 'hello', protocol: 1, lastSeq: 150, session: info('run-2') });
    receive(second, chunks, records(50, 101));
    await settle(store, 'run-2', 150);
    await stored(store, 'run-2', 150);
    stop();
    const check = new SessionModel();
    await store.load('run-2', check);
    expect(check.size).toBe(150);
    expect(check.lastSeq).toBe(150);
  });

  it('loads a session two tabs stored, each in runs of its own, with every record once', async () => {
    const store = await openStore();
    const tabs = [new ChunkWriter(store.name, () => {}), new ChunkWriter(store.name, () => {})];
    const models = [new SessionModel(), new SessionModel()];
    const stops = models.map((model) => store.record(model));
    for (const model of models) model.apply({ type: 'hello', protocol: 1, lastSeq: 0, session: info('run-4') });
    // Tab 1 packs 3,000 records in runs of 1,500, tab 2 in runs of 2,000: their stored chunks overlap.
    for (const [k, size] of [1500, 2000].entries()) {
      for (let from = 1; from <= 3000; from += size) {
        receive(models[k] as SessionModel, tabs[k] as ChunkWriter, records(Math.min(size, 3001 - from), from));
      }
    }
    await settle(store, 'run-4', 3000);
    await stored(store, 'run-4', 3000);
    for (const stop of stops) stop();
    const again = new SessionModel('stored');
    await store.load('run-4', again);
    expect(held(again).map((r) => r.seq)).toEqual(records(3000).map((r) => r.seq));
  });

  it('deletes the oldest sessions but never the one kept when over budget', async () => {
    const store = await openStore();
    for (const [id, startedAt] of [
      ['old', 1],
      ['mid', 2],
      ['new', 3],
    ] as const) {
      const dump = { meta: { session: info(id, startedAt) }, records: records(2000), checkpoints: [] };
      await store.saveImport(dump, packRecords(dump.records));
    }
    expect(store.sessions.value.map((s) => s.id)).toEqual(['new', 'mid', 'old']);
    const each = store.sessions.value[0]?.bytes ?? 0;
    await store.setBudget((each * 1.5) / (1024 * 1024), 'old');
    expect(store.sessions.value.map((s) => s.id)).toEqual(['old']);
  });

  it('reports a storage failure as a message instead of throwing', async () => {
    const store = await openStore();
    const live = new SessionModel();
    // A closed connection makes every later transaction fail, as a browser that lost its storage would.
    (store as unknown as { db: { close(): void } }).db.close();
    const stop = store.record(live);
    live.apply({ type: 'hello', protocol: 1, lastSeq: 0, session: info('run-3') });
    live.append(packRecords(records(10)));
    for (let i = 0; i < 40 && !store.error.value; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(store.error.value).toMatch(/^Could not save the session in the browser: /);
  });

  it('stores an imported session as its lines and loads it back, a record nested 100,000 deep included', async () => {
    const store = await openStore();
    const depth = 100_000;
    const deepLine = `{"seq":3,"ts":3,"level":"info","msg":"deep","fields":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const list = [...records(2), JSON.parse(deepLine) as LogRecord];
    const dump = { meta: { session: info('imported-1') }, records: list, checkpoints: [] };
    const meta = await store.saveImport(dump, packRecords(list));
    expect(meta).toMatchObject({ records: 3, lastSeq: 3, counts: { error: 1, info: 2 } });
    const again = new SessionModel('stored');
    await store.load('imported-1', again);
    expect(again.size).toBe(3);
    expect(again.store.json(2)).toBe(deepLine);
  });

  it('reads only the newest chunks of a stored session longer than the records a tab holds', async () => {
    const store = await openStore();
    const dump = { meta: { session: info('imported-long') }, records: records(9000), checkpoints: [] };
    await store.saveImport(dump, packRecords(dump.records));
    const again = new SessionModel('stored', 3000);
    const appended: number[] = [];
    again.listen((run) => {
      if (run) appended.push(run.seqs[0] as number);
    });
    await store.load('imported-long', again);
    expect(again.size).toBe(3000);
    expect(held(again).map((r) => r.seq)).toEqual(records(3000, 6001).map((r) => r.seq));
    expect(again.received).toBe(9000);
    // Chunks of 2,000 records (the last of 1,000): the newest two hold the 3,000, and no older one is read.
    expect(appended).toEqual([6001, 8001]);
  });

  it('reads the chunks of a database written before records were kept as lines', async () => {
    const name = `pulselog-test-v1-${Date.now()}-${counter++}`;
    const old = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore('sessions', { keyPath: 'id' });
        db.createObjectStore('chunks', { keyPath: ['sessionId', 'firstSeq'] });
        db.createObjectStore('checkpoints', { keyPath: ['sessionId', 'name'] });
      },
    });
    await old.put('sessions', {
      id: 'v1',
      info: info('v1'),
      source: 'live',
      counts: {},
      records: 3,
      lastSeq: 3,
      bytes: 1,
      updatedAt: 1,
    });
    await old.put('chunks', { sessionId: 'v1', firstSeq: 1, json: JSON.stringify(records(2)) });
    await old.put('chunks', {
      sessionId: 'v1',
      firstSeq: 3,
      json: JSON.stringify([...records(1, 3), { not: 'a record' }]),
    });
    old.close();
    const store = await SessionStore.open(name);
    opened.push(name);
    const model = new SessionModel('stored');
    await store.load('v1', model);
    expect(held(model)).toEqual([...records(2), ...records(1, 3)]);
    expect(model.store.json(0)).toBe(JSON.stringify(records(1)[0]));
  });
});
