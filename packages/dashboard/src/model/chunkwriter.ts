import type { IDBPDatabase } from 'idb';
import { lineChunks, type PackedRecords } from '../core/pack.js';
import { CHUNK_RECORDS, describe, openDatabase, type Schema } from './schema.js';

/**
 * Characters of lines waiting for the database, at most (about 64 MB of the
 * page's heap). A database slower than the records arrive would otherwise
 * grow the page's heap without bound; past it, runs are not stored, counted
 * and said in the page, until the writes caught up.
 */
export const MAX_PENDING_CHARS = 32 * 1024 * 1024;

/**
 * Writes runs of records to the sessions database as stored chunks (see
 * `schema.ts`), one transaction per run, in order. The `Stream` uses it for
 * the live session as records arrive: each chunk is a slice of the JSON
 * lines the hub sent, so storing it is one string copied, never a
 * serialization of record objects. The page's `SessionWriter` keeps the
 * session's entry and checkpoints.
 */
export class ChunkWriter {
  private db: Promise<IDBPDatabase<Schema>> | undefined;
  private writing: Promise<void> = Promise.resolve();
  /** Characters queued and not yet written. */
  private pending = 0;
  /** Records not stored because the database fell behind (`MAX_PENDING_CHARS`). */
  private unstored = 0;

  constructor(
    private readonly name: string,
    /** Told of every failed write, in words for the page. */
    private readonly onError: (message: string) => void,
    private readonly maxPending = MAX_PENDING_CHARS,
  ) {}

  /** Queues `run` for writing under `sessionId`; its lines are cut into chunks now, while `run` is whole. */
  write(sessionId: string, run: PackedRecords): void {
    const size = run.lines.length;
    if (this.pending > 0 && this.pending + size > this.maxPending) {
      this.unstored += run.count;
      this.onError(
        `Saving the session in the browser fell behind: ${this.unstored} records not saved there (the session file has them)`,
      );
      return;
    }
    const chunks = lineChunks(run, CHUNK_RECORDS);
    this.db ??= openDatabase(this.name);
    const db = this.db;
    this.pending += size;
    this.writing = this.writing.then(async () => {
      try {
        const tx = (await db).transaction('chunks', 'readwrite');
        for (const chunk of chunks) void tx.store.put({ sessionId, ...chunk });
        await tx.done;
      } catch (error) {
        this.onError(`Could not save the session in the browser: ${describe(error)}`);
      } finally {
        this.pending -= size;
      }
    });
  }
}
