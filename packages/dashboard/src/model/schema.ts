import {
  type Checkpoint,
  type CheckpointSummary,
  type EndMessage,
  type GapMessage,
  isLogRecord,
  type SessionInfo,
} from '@pulselog/shared';
import { jsonText } from '@pulselog/shared/query';
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

import type { LevelCounts, SessionSource } from './session.js';

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

/** A stored run of records. */
export interface Chunk {
  sessionId: string;
  firstSeq: number;
  /**
   * The records as JSON lines, each ending in `\n`, as they were received:
   * storing one string is a plain copy, where storing thousands of objects
   * would clone each on the page's main thread.
   */
  lines: string;
}

/** A stored checkpoint, keyed by session and name. */
export interface StoredCheckpoint {
  sessionId: string;
  name: string;
  /** The checkpoint, or its summary when it came from a hub that sends data on demand. */
  checkpoint: Checkpoint | CheckpointSummary;
}

/** The database's object stores. */
export interface Schema extends DBSchema {
  sessions: { key: string; value: StoredSession };
  chunks: { key: [string, number]; value: Chunk };
  checkpoints: { key: [string, string]; value: StoredCheckpoint };
}

/** Records per stored chunk: small enough that writing or reading one never blocks the page for long. */
export const CHUNK_RECORDS = 2000;
/** Chunks read per request when loading a session. */
export const READ_CHUNKS = 10;
/** How often buffered records are written. */
export const FLUSH_MS = 500;
/** Where the budget is kept in local storage. */
export const BUDGET_KEY = 'pulselog.storageBudgetMB';
/** Default storage budget, in megabytes. */
export const DEFAULT_BUDGET_MB = 500;

/** Estimated bytes a packed run of records takes in storage, by its JSON lines. */
export function runBytes(run: { count: number; lines: string }): number {
  return run.count * 64 + run.lines.length * 2;
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

/** A storage failure in words for the page. */
export function describe(error: unknown): string {
  if (error instanceof DOMException && error.name === 'QuotaExceededError') return 'the browser refused more storage';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Opens (or creates) the sessions database; rejects when IndexedDB is
 * unavailable. Version 1 stored each chunk's records as one JSON array
 * (`json`); version 2 keeps the JSON lines they came as, and an older
 * database's chunks are rewritten so once, when it is first opened.
 */
export function openDatabase(name: string): Promise<IDBPDatabase<Schema>> {
  return openDB<Schema>(name, 2, {
    async upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion < 1) {
        db.createObjectStore('sessions', { keyPath: 'id' });
        db.createObjectStore('chunks', { keyPath: ['sessionId', 'firstSeq'] });
        db.createObjectStore('checkpoints', { keyPath: ['sessionId', 'name'] });
        return;
      }
      for (let cursor = await tx.objectStore('chunks').openCursor(); cursor; cursor = await cursor.continue()) {
        const old = cursor.value as Partial<Chunk> & { json?: string };
        if (typeof old.json !== 'string') continue;
        let records: unknown;
        try {
          records = JSON.parse(old.json);
        } catch {
          // A chunk that does not read is kept as no records, as loading it did before.
        }
        const kept = Array.isArray(records) ? records.filter(isLogRecord) : [];
        const lines = kept.map((r) => `${jsonText(r)}\n`).join('');
        await cursor.update({ sessionId: cursor.value.sessionId, firstSeq: cursor.value.firstSeq, lines });
      }
    },
    // Another tab upgrading (or deleting) the database waits for every connection to close; this one gives way.
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
    },
  });
}
