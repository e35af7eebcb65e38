import type { LogRecord, SessionInfo } from '@pulselog/shared';
import { deleteDB } from 'idb';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionStore } from './persist.js';
import { SessionModel } from './session.js';

const opened: { name: string; store: SessionStore }[] = [];
let counter = 0;

async function openStore(): Promise<SessionStore> {
  const name = `pulselog-test-${Date.now()}-${counter++}`;
  const store = await SessionStore.open(name);
  opened.push({ name, store });
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
  for (const { name, store } of opened.splice(0)) {
    store.close();
    await deleteDB(name);
  }
});

describe('SessionStore', () => {
  it('keeps every record and checkpoint of the live session and loads them back in order', async () => {
    const store = await openStore();
    const live = new SessionModel();
    const stop = store.record(live);
    live.apply({ type: 'hello', protocol: 1, lastSeq: 0, session: info('run-1') });
    live.apply({ type: 'batch', records: records(12_000) });
    live.apply({ type: 'checkpoint', op: 'upsert', checkpoint: { name: 'c', data: { x: 1 }, ts: 5, progress: 50 } });
    live.apply({ type: 'batch', records: records(500, 12_001) });
    live.apply({ type: 'end', reason: 'exit', code: 0, at: 99, lastSeq: 12_500 });
    await settle(store, 'run-1', 12_500);
    stop();

    const again = new SessionModel('stored');
    const meta = await store.load('run-1', again);
    expect(meta?.counts).toMatchObject({ error: 1250, info: 11_250 });
    expect(again.size).toBe(12_500);
    expect(again.store.all().every((r, i) => r.seq === i + 1)).toBe(true);
    expect(again.checkpoints.value.get('c')?.progress).toBe(50);
    expect(again.ended.value?.reason).toBe('exit');
  });

  it('continues a reloaded session instead of starting it over', async () => {
    const store = await openStore();
    const first = new SessionModel();
    const stopFirst = store.record(first);
    first.apply({ type: 'hello', protocol: 1, lastSeq: 0, session: info('run-2') });
    first.append(records(100));
    await settle(store, 'run-2', 100);
    stopFirst();

    const second = new SessionModel();
    const loaded = await store.load('run-2', second);
    const stop = store.record(second, loaded);
    second.apply({ type: 'hello', protocol: 1, lastSeq: 150, session: info('run-2') });
    second.append(records(50, 101));
    await settle(store, 'run-2', 150);
    stop();
    const check = new SessionModel();
    await store.load('run-2', check);
    expect(check.size).toBe(150);
    expect(check.lastSeq).toBe(150);
  });

  it('deletes the oldest sessions but never the one kept when over budget', async () => {
    const store = await openStore();
    for (const [id, startedAt] of [
      ['old', 1],
      ['mid', 2],
      ['new', 3],
    ] as const) {
      await store.saveDump({ meta: { session: info(id, startedAt) }, records: records(2000), checkpoints: [] });
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
    live.append(records(10));
    for (let i = 0; i < 40 && !store.error.value; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    stop();
    expect(store.error.value).toMatch(/^Could not save the session in the browser: /);
  });
});
