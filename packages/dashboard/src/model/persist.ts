import { signal } from '@preact/signals';
import {
  type Checkpoint,
  type EndMessage,
  type GapMessage,
  isLogRecord,
  type LogRecord,
  type ServerMessage,
  type SessionInfo,
} from '@pulselog/shared';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { SessionDump } from '../core/transfer.js';
import { type LevelCounts, type SessionModel, type SessionSource, zeroCounts } from './session.js';

/** What the sessions list knows about a stored session without loading its records. */
export interface StoredSession {
  id: string;
  info: SessionInfo;
  source: SessionSource;
  counts: LevelCounts;
  records: number;
  lastSeq: number;
  /** Estimated size of its records on disk. */
  bytes: number;
  firstTs?: number;
  lastTs?: number;
  end?: EndMessage;
  /** Records the session is known to miss. */
  gaps?: GapMessage[];
  /** Last write, milliseconds since the epoch; the oldest go first when the budget is reached. */
  updatedAt: number;
}

interface Chunk {
  sessionId: string;
  firstSeq: number;
  /**
   * The records as JSON text: storing one string is a plain copy, where
   * storing thousands of objects would clone each on the page's main thread.
   */
  json: string;
}

interface StoredCheckpoint {
  sessionId: string;
  name: string;
  checkpoint: Checkpoint;
}

interface Schema extends DBSchema {
  sessions: { key: string; value: StoredSession };
  chunks: { key: [string, number]; value: Chunk };
  checkpoints: { key: [string, string]; value: StoredCheckpoint };
}

/** Records per stored chunk: small enough that writing or reading one never blocks the page for long. */
const CHUNK_RECORDS = 5000;
/** Chunks read per request when loading a session. */
const READ_CHUNKS = 4;
/** How often buffered records are written. */
const FLUSH_MS = 500;
const BUDGET_KEY = 'pulselog.storageBudgetMB';
/** Default storage budget, in megabytes. */
export const DEFAULT_BUDGET_MB = 500;

/** Estimated bytes a record takes in storage. */
function recordBytes(text: string): number {
  return 64 + text.length * 2;
}

/** The budget the user set, in megabytes. */
export function readBudgetMb(storage: Storage | undefined = globalThis.localStorage): number {
  try {
    const value = Number(storage?.getItem(BUDGET_KEY));
    return Number.isFinite(value) && value > 0 ? value : DEFAULT_BUDGET_MB;
  } catch {
    return DEFAULT_BUDGET_MB;
  }
}

function describe(error: unknown): string {
  if (error instanceof DOMException && error.name === 'QuotaExceededError') return 'the browser refused more storage';
  return error instanceof Error ? error.message : String(error);
}

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

  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  /** Opens (or creates) the database; rejects when IndexedDB is unavailable. */
  static async open(name = 'pulselog'): Promise<SessionStore> {
    const db = await openDB<Schema>(name, 1, {
      upgrade(db) {
        db.createObjectStore('sessions', { keyPath: 'id' });
        db.createObjectStore('chunks', { keyPath: ['sessionId', 'firstSeq'] });
        db.createObjectStore('checkpoints', { keyPath: ['sessionId', 'name'] });
      },
    });
    const store = new SessionStore(db);
    await store.refresh();
    return store;
  }

  /** Closes the database connection. */
  close(): void {
    this.db.close();
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
      let after = 0;
      for (;;) {
        const chunks = await this.db.getAll(
          'chunks',
          IDBKeyRange.bound([id, after], [id, Number.POSITIVE_INFINITY], true),
          READ_CHUNKS,
        );
        for (const chunk of chunks) {
          const records: unknown = JSON.parse(chunk.json);
          // Stored data is read back as untrusted as any other input.
          if (Array.isArray(records)) model.append(records.filter(isLogRecord));
          after = chunk.firstSeq;
        }
        if (chunks.length < READ_CHUNKS) break;
      }
      return meta;
    } catch (error) {
      this.error.value = `Could not load a stored session: ${describe(error)}`;
      return undefined;
    }
  }

  /** Stores an imported session whole, then applies the budget. */
  async saveDump(dump: SessionDump): Promise<StoredSession | undefined> {
    const counts = zeroCounts();
    let bytes = 0;
    for (const r of dump.records) {
      if (r.kind !== 'divider') counts[r.level]++;
      bytes += recordBytes(r.msg) + (r.fields ? 64 : 0);
    }
    const meta: StoredSession = {
      id: dump.meta.session.id,
      info: dump.meta.session,
      source: 'imported',
      counts,
      records: dump.records.length,
      lastSeq: dump.records[dump.records.length - 1]?.seq ?? 0,
      bytes,
      updatedAt: Date.now(),
    };
    if (dump.records[0]) meta.firstTs = dump.records[0].ts;
    if (dump.records.length) meta.lastTs = dump.records[dump.records.length - 1]?.ts;
    if (dump.meta.end) meta.end = dump.meta.end;
    if (dump.meta.gaps) meta.gaps = dump.meta.gaps;
    try {
      await this.delete(meta.id);
      const tx = this.db.transaction(['sessions', 'chunks', 'checkpoints'], 'readwrite');
      for (let i = 0; i < dump.records.length; i += CHUNK_RECORDS) {
        const records = dump.records.slice(i, i + CHUNK_RECORDS);
        void tx
          .objectStore('chunks')
          .put({ sessionId: meta.id, firstSeq: records[0]?.seq ?? 0, json: JSON.stringify(records) });
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

/** Buffers what the live session receives and writes it every `FLUSH_MS`. */
class SessionWriter {
  private meta: StoredSession | undefined;
  private pending: LogRecord[] = [];
  private pendingCheckpoints = new Map<string, Checkpoint | null>();
  private dirty = false;
  private timer: ReturnType<typeof setInterval>;
  private writing: Promise<void> = Promise.resolve();
  private flushes = 0;
  readonly dispose: () => void;

  constructor(
    private readonly store: SessionStore,
    private readonly db: IDBPDatabase<Schema>,
    private readonly model: SessionModel,
    private seed: StoredSession | undefined,
  ) {
    const stop = model.listen((records, message) => this.take(records, message));
    this.timer = setInterval(() => this.flush(), FLUSH_MS);
    const onHide = () => this.flush();
    addEventListener('pagehide', onHide);
    this.dispose = () => {
      stop();
      clearInterval(this.timer);
      removeEventListener('pagehide', onHide);
      this.flush();
    };
  }

  private ensureMeta(): StoredSession | undefined {
    const info = this.model.info.value;
    if (!info) return undefined;
    if (this.meta?.id !== info.id) {
      const seed = this.seed;
      this.seed = undefined;
      this.meta =
        seed?.id === info.id
          ? { ...seed, counts: { ...seed.counts } }
          : {
              id: info.id,
              info,
              source: 'live',
              counts: zeroCounts(),
              records: 0,
              lastSeq: 0,
              bytes: 0,
              updatedAt: Date.now(),
            };
    }
    return this.meta;
  }

  private take(records: readonly LogRecord[], message?: ServerMessage): void {
    if (message?.type === 'hello') {
      if (this.meta && this.meta.id !== message.session.id) this.flush();
      this.ensureMeta();
      this.dirty = true;
      return;
    }
    const meta = this.ensureMeta();
    if (!meta) return;
    if (message?.type === 'checkpoint') {
      if (message.op === 'upsert') this.pendingCheckpoints.set(message.checkpoint.name, message.checkpoint);
      else this.pendingCheckpoints.set(message.name, null);
    } else if (message?.type === 'end') meta.end = message;
    else if (message?.type === 'gap') meta.gaps = [...(meta.gaps ?? []), message];
    for (const record of records) {
      this.pending.push(record);
      meta.records++;
      meta.lastSeq = record.seq;
      meta.bytes += recordBytes(record.msg) + (record.fields ? 64 : 0);
      if (record.kind !== 'divider') meta.counts[record.level]++;
      meta.firstTs ??= record.ts;
      meta.lastTs = record.ts;
    }
    this.dirty = true;
  }

  private flush(): void {
    const meta = this.meta;
    if (!this.dirty || !meta) return;
    this.dirty = false;
    const records = this.pending;
    const checkpoints = this.pendingCheckpoints;
    this.pending = [];
    this.pendingCheckpoints = new Map();
    meta.updatedAt = Date.now();
    const snapshot: StoredSession = { ...meta, counts: { ...meta.counts } };
    this.writing = this.writing.then(async () => {
      try {
        // One transaction per chunk: copying a big flush into storage in one go would block the page.
        for (let i = 0; i < records.length; i += CHUNK_RECORDS) {
          const part = records.slice(i, i + CHUNK_RECORDS);
          const json = JSON.stringify(part);
          await this.db.put('chunks', { sessionId: snapshot.id, firstSeq: part[0]?.seq ?? 0, json });
        }
        const tx = this.db.transaction(['sessions', 'checkpoints'], 'readwrite');
        for (const [name, checkpoint] of checkpoints) {
          if (checkpoint) void tx.objectStore('checkpoints').put({ sessionId: snapshot.id, name, checkpoint });
          else void tx.objectStore('checkpoints').delete([snapshot.id, name]);
        }
        void tx.objectStore('sessions').put(snapshot);
        await tx.done;
        this.store.error.value = undefined;
      } catch (error) {
        this.store.error.value = `Could not save the session in the browser: ${describe(error)}`;
        return;
      }
      // The list and the budget are checked now and then, not on every write.
      if (this.flushes++ % 20 === 0) await this.store.enforceBudget(snapshot.id);
    });
  }
}
