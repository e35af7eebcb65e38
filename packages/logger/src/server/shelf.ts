import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CheckpointMessage, CheckpointSummary } from '@pulselog/shared';

/** Where one checkpoint's data lies in the shelf's file. */
interface Slot {
  /** The summary message sent to tabs, as JSON text. */
  summary: string;
  ts: number;
  offset: number;
  length: number;
}

/** The file is rewritten once data no longer current takes more than this and more than the current data. */
const COMPACT_AT = 64 * 1024 * 1024;

/**
 * Opens a new file for the data and removes its name at once: the file
 * lives as long as its descriptor, so a hub that dies, however it dies,
 * leaves nothing behind on disk.
 */
function anonymousFile(): number {
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-hub-'));
  const file = join(dir, 'checkpoints.data');
  const fd = openSync(file, 'w+', 0o600);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Where an open file cannot lose its name (Windows), it stays in the temporary folder.
  }
  return fd;
}

/**
 * The dashboard hub's checkpoints: every checkpoint's summary in memory (a
 * few hundred bytes each), the data in a file of the hub's own, read back
 * when a tab asks for it. However many checkpoints are saved, and however
 * large, the hub's memory holds only the summaries; the file holds each
 * checkpoint's latest data, with the older saves dropped now and then.
 */
export class CheckpointShelf {
  private readonly slots = new Map<string, Slot>();
  private fd: number;
  private size = 0;
  private live = 0;
  /** Writes to the file that failed; the data of those checkpoints is then not served. */
  errors = 0;

  constructor(private readonly compactAt = COMPACT_AT) {
    this.fd = anonymousFile();
  }

  /** Takes a checkpoint change from the logger; returns what tabs get: the summary or the delete, as JSON text. */
  take(message: CheckpointMessage): { name: string; text: string } {
    if (message.op === 'delete') {
      this.drop(message.name);
      return { name: message.name, text: JSON.stringify(message) };
    }
    const { data, ...rest } = message.checkpoint as { data?: unknown } & CheckpointSummary;
    const bytes = Buffer.from(JSON.stringify(data) ?? 'null');
    const summary: CheckpointSummary = { ...rest, dataSize: bytes.length };
    const text = JSON.stringify({ type: 'checkpoint', op: 'summary', checkpoint: summary } satisfies CheckpointMessage);
    this.drop(summary.name);
    let offset = -1;
    try {
      writeSync(this.fd, bytes, 0, bytes.length, this.size);
      offset = this.size;
      this.size += bytes.length;
      this.live += bytes.length;
    } catch {
      this.errors++;
    }
    this.slots.set(summary.name, { summary: text, ts: summary.ts, offset, length: bytes.length });
    if (this.size - this.live > this.compactAt && this.size - this.live > this.live) this.compact();
    return { name: summary.name, text };
  }

  /** The summary messages of every checkpoint, oldest save first. */
  summaries(): IterableIterator<string> {
    return (function* (slots) {
      for (const slot of slots.values()) yield slot.summary;
    })(this.slots);
  }

  /** The summary message of a checkpoint, or `undefined` when there is none. */
  summary(name: string): string | undefined {
    return this.slots.get(name)?.summary;
  }

  /**
   * The answer to a tab asking for a checkpoint's data: `{"name":…,"ts":…,"data":…}`
   * as UTF-8, or `undefined` when there is no such checkpoint (or its data
   * could not be kept). Read at once, so a compaction cannot move the data
   * under the read.
   */
  read(name: string): Buffer | undefined {
    const slot = this.slots.get(name);
    if (slot === undefined || slot.offset < 0) return undefined;
    const head = Buffer.from(`{"name":${JSON.stringify(name)},"ts":${slot.ts},"data":`);
    const body = Buffer.allocUnsafe(head.length + slot.length + 1);
    head.copy(body);
    try {
      let done = 0;
      while (done < slot.length) {
        const n = readSync(this.fd, body, head.length + done, slot.length - done, slot.offset + done);
        if (n === 0) return undefined;
        done += n;
      }
    } catch {
      this.errors++;
      return undefined;
    }
    body[body.length - 1] = 0x7d; // }
    return body;
  }

  /** Number of checkpoints. */
  get count(): number {
    return this.slots.size;
  }

  /** Closes the file, which removes it. */
  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // Closed already.
    }
  }

  private drop(name: string): void {
    const slot = this.slots.get(name);
    if (slot === undefined) return;
    // Deleting and setting again keeps the map in save order.
    this.slots.delete(name);
    if (slot.offset >= 0) this.live -= slot.length;
  }

  /** Copies the current data into a new file that replaces the old one; on failure the old one stays as it was. */
  private compact(): void {
    let fd = -1;
    try {
      fd = anonymousFile();
      let at = 0;
      const buffer = Buffer.alloc(1 << 20);
      const moved: [Slot, number][] = [];
      for (const slot of this.slots.values()) {
        if (slot.offset < 0) continue;
        for (let done = 0; done < slot.length; ) {
          const n = readSync(this.fd, buffer, 0, Math.min(buffer.length, slot.length - done), slot.offset + done);
          if (n === 0) throw new Error('checkpoint data file ended early');
          writeSync(fd, buffer, 0, n, at + done);
          done += n;
        }
        moved.push([slot, at]);
        at += slot.length;
      }
      for (const [slot, offset] of moved) slot.offset = offset;
      closeSync(this.fd);
      this.fd = fd;
      this.size = at;
      this.live = at;
    } catch {
      this.errors++;
      if (fd >= 0) closeSync(fd);
    }
  }
}
