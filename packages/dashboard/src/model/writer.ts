import type { Signal } from '@preact/signals';
import { LEVEL_NAMES } from '@pulselog/shared';
import { DIVIDER_CODE } from '@pulselog/shared/query';
import type { IDBPDatabase } from 'idb';

import type { PlainMessage } from '../core/incoming.js';
import type { PackedRecords } from '../core/pack.js';
import { describe, FLUSH_MS, runBytes, type Schema, type StoredSession } from './schema.js';
import { type SessionModel, type ShownCheckpoint, zeroCounts } from './session.js';

/** What a writer reports to: where failures show, and the budget to apply now and then. */
export interface WriterHost {
  readonly error: Signal<string | undefined>;
  enforceBudget(keep?: string): Promise<void>;
}

/**
 * Keeps the live session's entry in the sessions list (its counts, newest
 * record, end and gaps) and its checkpoints, written every `FLUSH_MS`. Its
 * records are written as they arrive by the `Stream`, which holds their
 * JSON lines (`ChunkWriter`); here they are only counted. Once the tab
 * evicts records (`SessionModel.limit`), the stored chunks older than the
 * oldest record it holds are deleted too, so the browser's copy of a long
 * session stays the size of what the tab holds and a reload shows the same.
 */
export class SessionWriter {
  private meta: StoredSession | undefined;
  private pendingCheckpoints = new Map<string, ShownCheckpoint | null>();
  private dirty = false;
  private timer: ReturnType<typeof setInterval>;
  private writing: Promise<void> = Promise.resolve();
  private flushes = 0;
  /** Stored chunks wholly before this seq go at the next flush: the tab no longer holds their records. */
  private trimBefore = 0;
  /** `trimBefore` as of the last trim. */
  private trimmedTo = 0;
  /** Records evicted since the last trim, whose estimated bytes leave the entry with them. */
  private trimmed = 0;
  readonly dispose: () => void;

  constructor(
    private readonly store: WriterHost,
    private readonly db: IDBPDatabase<Schema>,
    private readonly model: SessionModel,
    private seed: StoredSession | undefined,
  ) {
    const stopListening = model.listen((records, message) => this.take(records, message));
    const stopEvicted = model.onEvict((count) => {
      this.trimmed += count;
      this.trimBefore = model.size > 0 ? (model.store.seqs[0] as number) : model.lastSeq + 1;
    });
    const stop = () => {
      stopListening();
      stopEvicted();
    };
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

  private take(added: PackedRecords | undefined, message?: PlainMessage): void {
    if (message?.type === 'hello') {
      if (this.meta && this.meta.id !== message.session.id) {
        this.flush();
        this.trimBefore = 0;
        this.trimmedTo = 0;
        this.trimmed = 0;
      }
      this.ensureMeta();
      this.dirty = true;
      return;
    }
    const meta = this.ensureMeta();
    if (!meta) return;
    if (message?.type === 'checkpoint') {
      if (message.op === 'delete') this.pendingCheckpoints.set(message.name, null);
      else this.pendingCheckpoints.set(message.checkpoint.name, message.checkpoint);
    } else if (message?.type === 'end') meta.end = message;
    else if (message?.type === 'gap') meta.gaps = [...(meta.gaps ?? []), message];
    if (added && added.count > 0) {
      meta.records += added.count;
      meta.lastSeq = added.seqs[added.count - 1] as number;
      meta.bytes += runBytes(added);
      const perCode = new Uint32Array(DIVIDER_CODE + 1);
      for (let i = 0; i < added.count; i++) {
        const code = added.levels[i] as number;
        perCode[code] = (perCode[code] ?? 0) + 1;
      }
      LEVEL_NAMES.forEach((level, code) => {
        meta.counts[level] = (meta.counts[level] ?? 0) + (perCode[code] as number);
      });
      meta.firstTs ??= added.times[0];
      meta.lastTs = added.times[added.count - 1];
    }
    this.dirty = true;
  }

  private flush(): void {
    const meta = this.meta;
    if (!this.dirty || !meta) return;
    this.dirty = false;
    const checkpoints = this.pendingCheckpoints;
    this.pendingCheckpoints = new Map();
    meta.updatedAt = Date.now();
    const trimBefore = this.trimBefore > this.trimmedTo ? this.trimBefore : 0;
    this.trimmedTo = this.trimBefore;
    if (this.trimmed > 0 && meta.records > 0) {
      // An estimate, as the entry's bytes are: the evicted records at the session's mean size.
      meta.bytes = Math.max(0, meta.bytes - Math.round((meta.bytes / meta.records) * this.trimmed));
      this.trimmed = 0;
    }
    const snapshot: StoredSession = { ...meta, counts: { ...meta.counts } };
    this.writing = this.writing.then(async () => {
      try {
        if (trimBefore > 0) await this.trim(snapshot.id, trimBefore);
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

  /**
   * Deletes the stored chunks of session `id` before the one that holds
   * `seq` (the oldest record the tab holds): that one may hold held records
   * too, and stays.
   */
  private async trim(id: string, seq: number): Promise<void> {
    const tx = this.db.transaction('chunks', 'readwrite');
    const holding = await tx.store.openCursor(IDBKeyRange.bound([id, 0], [id, seq]), 'prev');
    if (holding) await tx.store.delete(IDBKeyRange.bound([id, 0], [id, holding.value.firstSeq], false, true));
    await tx.done;
  }
}
