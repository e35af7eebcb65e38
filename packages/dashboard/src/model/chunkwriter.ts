import type { IDBPDatabase } from 'idb';
import { lineChunks, type PackedRecords } from '../core/pack.js';
import { CHUNK_RECORDS, describe, openDatabase, type Schema } from './schema.js';

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

  constructor(
    private readonly name: string,
    /** Told of every failed write, in words for the page. */
    private readonly onError: (message: string) => void,
  ) {}

  /** Queues `run` for writing under `sessionId`; its lines are cut into chunks now, while `run` is whole. */
  write(sessionId: string, run: PackedRecords): void {
    const chunks = lineChunks(run, CHUNK_RECORDS);
    this.db ??= openDatabase(this.name);
    const db = this.db;
    this.writing = this.writing.then(async () => {
      try {
        const tx = (await db).transaction('chunks', 'readwrite');
        for (const chunk of chunks) void tx.store.put({ sessionId, ...chunk });
        await tx.done;
      } catch (error) {
        this.onError(`Could not save the session in the browser: ${describe(error)}`);
      }
    });
  }
}
