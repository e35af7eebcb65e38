import type { Checkpoint, CheckpointSummary, EndMessage, GapMessage, SessionInfo } from '@pulselog/shared';
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
   * The records as JSON text: storing one string is a plain copy, where
   * storing thousands of objects would clone each on the page's main thread.
   */
  json: string;
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

/** Estimated bytes a record takes in storage. */
export function recordBytes(text: string): number {
  return 64 + text.length * 2;
}

/** Estimated bytes a packed run of records takes in storage, by its JSON text. */
export function runBytes(run: { count: number; json: string }): number {
  return run.count * 64 + run.json.length * 2;
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

/** Opens (or creates) the sessions database; rejects when IndexedDB is unavailable. */
export function openDatabase(name: string): Promise<IDBPDatabase<Schema>> {
  return openDB<Schema>(name, 1, {
    upgrade(db) {
      db.createObjectStore('sessions', { keyPath: 'id' });
      db.createObjectStore('chunks', { keyPath: ['sessionId', 'firstSeq'] });
      db.createObjectStore('checkpoints', { keyPath: ['sessionId', 'name'] });
    },
  });
}
