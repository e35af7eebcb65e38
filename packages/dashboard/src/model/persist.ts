import { signal } from '@preact/signals';
import { LEVEL_NAMES } from '@pulselog/shared';
import type { IDBPDatabase } from 'idb';
import { lineChunks, type PackedRecords, readPacked } from '../core/pack.js';
import type { SessionDump } from '../core/transfer.js';
import {
  BUDGET_KEY,
  CHUNK_RECORDS,
  describe,
  openDatabase,
  READ_CHUNKS,
  readBudgetMb,
  runBytes,
  type Schema,
  type StoredSession,
} from './schema.js';
import { type SessionModel, zeroCounts } from './session.js';
import { SessionWriter } from './writer.js';

export type { StoredSession } from './schema.js';

/**
 * The sessions kept in IndexedDB: every record and checkpoint of the live
 * session is written in batches, so a reload or a browser restart shows the
 * same session; past sessions are listed, reopened and deleted here.
 * Failures never throw into the page: they land in `error`.
 */
export class SessionStore {
  readonly error = signal<string | undefined>(undefined);
  readonly sessions = signal<readonly StoredSession[]>([]);
  readonly budgetMb = signal(readBudgetMb());

  private constructor(
    private readonly db: IDBPDatabase<Schema>,
    /** The database's name, for the `Stream`, which writes the live session's records itself. */
    readonly name: string,
  ) {}

  /** Opens (or creates) the database; rejects when IndexedDB is unavailable. */
  static async open(name = 'pulselog'): Promise<SessionStore> {
    const db = await openDatabase(name);
    const store = new SessionStore(db, name);
    await store.refresh();
    return store;
  }

  /** Re-reads the sessions list, newest first. */
  async refresh(): Promise<void> {
    try {
      const all = await this.db.getAll('sessions');
      this.sessions.value = all.sort((a, b) => b.info.startedAt - a.info.startedAt);
    } catch (error) {
      this.error.value = `Could not read stored sessions: ${describe(error)}`;
    }
  }

  /** Sets the storage budget and applies it now. */
  async setBudget(mb: number, keep?: string): Promise<void> {
    if (!Number.isFinite(mb) || mb <= 0) return;
    this.budgetMb.value = mb;
    try {
      localStorage.setItem(BUDGET_KEY, String(mb));
    } catch {
      // The budget still holds for this page.
    }
    await this.enforceBudget(keep);
  }

  /** Deletes the oldest sessions, never `keep`, until the rest fit the budget. */
  async enforceBudget(keep?: string): Promise<void> {
    await this.refresh();
    const budget = this.budgetMb.value * 1024 * 1024;
    let total = this.sessions.value.reduce((sum, s) => sum + s.bytes, 0);
    const oldestFirst = [...this.sessions.value].sort((a, b) => a.updatedAt - b.updatedAt);
    for (const session of oldestFirst) {
      if (total <= budget) break;
      if (session.id === keep) continue;
      await this.delete(session.id);
      total -= session.bytes;
    }
  }

  /** Deletes a session with its records and checkpoints. */
  async delete(id: string): Promise<void> {
    try {
      const tx = this.db.transaction(['sessions', 'chunks', 'checkpoints'], 'readwrite');
      await Promise.all([
        tx.objectStore('sessions').delete(id),
        tx.objectStore('chunks').delete(IDBKeyRange.bound([id, 0], [id, Number.POSITIVE_INFINITY])),
        tx.objectStore('checkpoints').delete(IDBKeyRange.bound([id, ''], [id, '\uffff'])),
        tx.done,
      ]);
    } catch (error) {
      this.error.value = `Could not delete a stored session: ${describe(error)}`;
    }
    await this.refresh();
  }

  /** Loads a stored session into `model`, a few chunks at a time so the page stays responsive. */
  async load(id: string, model: SessionModel): Promise<StoredSession | undefined> {
    try {
      const meta = await this.db.get('sessions', id);
      if (!meta) return undefined;
      const checkpoints = await this.db.getAll('checkpoints', IDBKeyRange.bound([id, ''], [id, '\uffff']));
      model.load(
        meta.info,
        checkpoints.map((c) => c.checkpoint),
        meta.end,
      );
      for (const gap of meta.gaps ?? []) model.apply(gap);
      // Older chunks than the newest the model holds would be evicted as they came: they are not read.
      let after = meta.records > model.limit ? (await this.newestChunks(id, model.limit)) - 1 : 0;
      for (;;) {
        const chunks = await this.db.getAll(
          'chunks',
          IDBKeyRange.bound([id, after], [id, Number.POSITIVE_INFINITY], true),
          READ_CHUNKS,
        );
        for (const chunk of chunks) {
          // Stored data is read back as untrusted as any other input.
          const read = readPacked(chunk.lines);
          if (read.ok) model.append(read.packed);
          after = chunk.firstSeq;
        }
        if (chunks.length < READ_CHUNKS) break;
      }
      // The stored copy of a long session keeps what the tab held; the rest was evicted before.
      model.markEvicted(meta.records - model.received);
      return meta;
    } catch (error) {
      this.error.value = `Could not load a stored session: ${describe(error)}`;
      return undefined;
    }
  }

  /**
   * The first seq of the newest chunks of session `id` holding `records`
   * records between them, or 0 when all of them hold fewer.
   */
  private async newestChunks(id: string, records: number): Promise<number> {
    let held = 0;
    let first = 0;
    const range = IDBKeyRange.bound([id, 0], [id, Number.POSITIVE_INFINITY]);
    let cursor = await this.db.transaction('chunks').store.openCursor(range, 'prev');
    while (cursor && held < records) {
      held += lineCount(cursor.value.lines);
      first = cursor.value.firstSeq;
      cursor = await cursor.continue();
    }
    return held >= records ? first : 0;
  }

  /**
   * Stores an imported session whole, its records as the lines they were
   * packed with (`records`, packed from `dump.records`), then applies the budget.
   */
  async saveImport(dump: SessionDump, records: PackedRecords): Promise<StoredSession | undefined> {
    const counts = zeroCounts();
    for (let i = 0; i < records.count; i++) {
      const level = LEVEL_NAMES[records.levels[i] as number];
      // Dividers have a code past the levels' and are not counted.
      if (level) counts[level]++;
    }
    const meta: StoredSession = {
      id: dump.meta.session.id,
      info: dump.meta.session,
      source: 'imported',
      counts,
      records: records.count,
      lastSeq: records.count > 0 ? (records.seqs[records.count - 1] as number) : 0,
      bytes: runBytes(records),
      updatedAt: Date.now(),
    };
    if (records.count > 0) {
      meta.firstTs = records.times[0];
      meta.lastTs = records.times[records.count - 1];
    }
    if (dump.meta.end) meta.end = dump.meta.end;
    if (dump.meta.gaps) meta.gaps = dump.meta.gaps;
    try {
      await this.delete(meta.id);
      const tx = this.db.transaction(['sessions', 'chunks', 'checkpoints'], 'readwrite');
      for (const chunk of lineChunks(records, CHUNK_RECORDS)) {
        void tx.objectStore('chunks').put({ sessionId: meta.id, ...chunk });
      }
      for (const checkpoint of dump.checkpoints) {
        void tx.objectStore('checkpoints').put({ sessionId: meta.id, name: checkpoint.name, checkpoint });
      }
      void tx.objectStore('sessions').put(meta);
      await tx.done;
    } catch (error) {
      this.error.value = `Could not store the imported session: ${describe(error)}`;
      return undefined;
    }
    await this.enforceBudget(meta.id);
    return meta;
  }

  /**
   * Writes everything `model` receives from now on, in batches; `loaded` is
   * the stored session already in the model, continued rather than restarted.
   * Returns the cleanup.
   */
  record(model: SessionModel, loaded?: StoredSession): () => void {
    return new SessionWriter(this, this.db, model, loaded).dispose;
  }
}

/** Lines in `text`, each ending in a newline. */
function lineCount(text: string): number {
  let lines = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) lines++;
  return lines;
}
