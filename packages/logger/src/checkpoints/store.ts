import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Checkpoint } from '@pulselog/shared';
import { replaceFile } from './compact.js';
import { STORE_FILE } from './layout.js';
import { FileLock } from './lock.js';
import { encodeDelete, encodeSet, isCurrentSave, type LineEntry, readData } from './log-file.js';
import { readAt, scanLog } from './scan.js';
import type { CheckpointMeta } from './validate.js';

/** The log is rewritten once it holds this many more lines than twice the checkpoints. */
const COMPACT_SLACK = 1000;

/** What the store knows of a checkpoint: its metadata and where its line lies, not its data. */
interface Slot extends CheckpointMeta {
  name: string;
  ts: number;
  /** Offset and length (newline excluded) of its line in the file open as `fd`. */
  at: number;
  bytes: number;
  /** The data's JSON text of a save that could not be written, kept for this process only. */
  unsaved?: string;
  /** Set once its data turned out damaged, so it is counted once. */
  damaged?: boolean;
}

/** How the store tells the user about a failure: one line, without its newline. */
export type Reporter = (line: string) => void;

const toStderr: Reporter = (line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * Durable named checkpoints in one append-only log file
 * (`<dir>/checkpoints.log`, format in `log-file.ts`) that any number of
 * processes may share.
 *
 * - A save appends one checksummed line with one `write` in `O_APPEND`
 *   mode (no fsync: a killed process loses nothing the kernel has), so a
 *   save cut short by `kill -9` leaves the previous state readable.
 * - Every change to the file (an append, cutting off a torn tail, a
 *   compaction) happens under `<file>.lock` (`FileLock`), after catching up
 *   with what other processes wrote: a torn tail is only ever the last
 *   writer's, and a compaction rewrites everyone's saves, never one
 *   process's view of them.
 * - Reading never writes and takes no lock. The store keeps an index (name,
 *   metadata, offset of the line) and reads a checkpoint's data from the
 *   file when it is asked for; before each read it catches up with lines
 *   appended since, or with a file compacted by another process.
 * - No I/O failure escapes: it is counted in `errors`, reported on stderr
 *   once until saving works again, and the checkpoint is kept in memory.
 *   A damaged line is skipped, counted in `damaged` and reported.
 */
export class CheckpointStore {
  /** The log file. */
  readonly file: string;
  /** Saves this process wrote to the file. */
  saved = 0;
  /** Saves, removals and reads that failed for the file system. */
  errors = 0;
  /** Lines (or data) found damaged and skipped. */
  damaged = 0;
  private readonly dir: string;
  private readonly lock: FileLock;
  private readonly report: Reporter;
  private readonly slots = new Map<string, Slot>();
  /** The log, open for reading (`r`) until the first save opens it for appending too (`a+`). */
  private fd = -1;
  private writable = false;
  private ino = -1;
  /** Bytes of complete lines indexed: the next line starts here. */
  private scanned = 0;
  private lines = 0;
  /** Set while saves fail, so a run of failures makes one line on stderr. */
  private failing = false;
  /** Why saves fail now (`ENOSPC: …`), or `undefined` while they work. */
  failure: string | undefined;

  /** `report`: where failures are told (stderr by default). */
  constructor(dir: string, options: { report?: Reporter; lockTimeoutMs?: number } = {}) {
    this.dir = dir;
    this.file = join(dir, STORE_FILE);
    this.lock = new FileLock(`${this.file}.lock`, options.lockTimeoutMs);
    this.report = options.report ?? toStderr;
    try {
      this.catchUp();
    } catch (err) {
      this.errors++;
      this.report(`pulselog: cannot read checkpoints from ${this.file}: ${describe(err)}`);
    }
  }

  /** Saves `data` (already JSON text) under `name` and returns the checkpoint as stored. Never throws for I/O. */
  save(name: string, data: string, meta: CheckpointMeta): Checkpoint {
    const ts = Date.now();
    this.change(`save checkpoint '${name}'`, encodeSet(name, ts, meta, data), { op: 'set', name, ts, ...meta }, data);
    return toCheckpoint({ name, ts, ...meta, at: 0, bytes: 0 }, JSON.parse(data));
  }

  /** Removes a checkpoint; false when there was none by that name. */
  delete(name: string): boolean {
    this.refresh();
    if (!this.slots.has(name)) return false;
    const ts = Date.now();
    this.change(`remove checkpoint '${name}'`, encodeDelete(name, ts), { op: 'delete', name, ts });
    return true;
  }

  /** The checkpoint saved under `name`, its data freshly parsed; `undefined` when there is none or it is damaged. */
  get(name: string): Checkpoint | undefined {
    this.refresh();
    const slot = this.slots.get(name);
    return slot && this.load(slot);
  }

  /** Names, most recently saved first. */
  names(): string[] {
    this.refresh();
    return [...this.slots.keys()].reverse();
  }

  /** Every checkpoint, oldest save first, damaged ones left out. */
  all(): Checkpoint[] {
    this.refresh();
    const out: Checkpoint[] = [];
    for (const slot of this.slots.values()) {
      const checkpoint = this.load(slot);
      if (checkpoint) out.push(checkpoint);
    }
    return out;
  }

  /** Each checkpoint's progress (0 to 100) where it has one, most recently saved first, without reading any data. */
  progress(): { name: string; progress: number }[] {
    this.refresh();
    const out: { name: string; progress: number }[] = [];
    for (const slot of this.slots.values())
      if (slot.progress !== undefined) out.push({ name: slot.name, progress: slot.progress });
    return out.reverse();
  }

  /** Number of checkpoints. */
  get size(): number {
    this.refresh();
    return this.slots.size;
  }

  /** Closes the log file; a later call opens it again. */
  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.writable = false;
    this.lock.dispose();
  }

  /**
   * Appends `line` under the lock, after catching up with the file and
   * cutting off a torn tail; compacts when the log has grown. On failure the
   * change is kept in memory, counted and reported.
   */
  private change(what: string, line: string, entry: LineEntry, data?: string): void {
    try {
      this.openForAppending();
      this.lock.acquire();
      try {
        this.catchUp();
        // Bytes past the last complete line: a save cut short by a crash or a full disk. Under the lock, nobody else's.
        if (fstatSync(this.fd).size > this.scanned) ftruncateSync(this.fd, this.scanned);
        const bytes = Buffer.byteLength(line);
        let written = 0;
        try {
          written = writeSync(this.fd, line);
        } finally {
          // A full disk may take part of the line: take it back, so the next save starts on a line boundary.
          if (written !== bytes) ftruncateSync(this.fd, this.scanned);
        }
        if (written !== bytes)
          throw Object.assign(new Error('no space left on device (line cut short)'), { code: 'ENOSPC' });
        this.apply(entry, this.scanned, bytes - 1);
        this.scanned += bytes;
        this.lines++;
        if (entry.op === 'set') this.saved++;
        if (this.lines > this.slots.size * 2 + COMPACT_SLACK) this.compact();
      } finally {
        this.lock.release();
      }
      if (this.failing) {
        this.failing = false;
        this.failure = undefined;
        this.report(`pulselog: checkpoints are saved to ${this.file} again`);
      }
    } catch (err) {
      this.errors++;
      this.apply(entry, 0, 0, data);
      if (!this.failing) {
        this.failing = true;
        this.failure = describe(err);
        this.report(
          `pulselog: could not ${what} to ${this.file}: ${describe(err)}; kept in memory only, counted in stats().checkpointErrors`,
        );
      }
    }
  }

  private openForAppending(): void {
    if (this.writable) return;
    mkdirSync(this.dir, { recursive: true });
    const fd = openSync(this.file, 'a+', 0o600);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = fd;
    this.writable = true;
    // A new file, or one compacted since it was read, is indexed afresh.
    if (fstatSync(fd).ino !== this.ino) this.reindex();
  }

  /** Catches up with the file for a read: never throws, never writes. */
  private refresh(): void {
    try {
      this.catchUp();
    } catch {
      // Unreadable now: what was read before still stands.
    }
  }

  /** Opens the file again if another process replaced it, then indexes the lines appended since the last look. */
  private catchUp(): void {
    let ino: number;
    try {
      ino = statSync(this.file).ino;
    } catch (err) {
      // No store yet (or no folder for one): nothing to read; the first save makes it, or says why not.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw err;
    }
    if (ino !== this.ino || this.fd < 0) {
      const fd = openSync(this.file, this.writable ? 'a+' : 'r');
      if (this.fd >= 0) closeSync(this.fd);
      this.fd = fd;
      this.reindex();
    }
    const size = fstatSync(this.fd).size;
    if (size > this.scanned) this.index(size);
  }

  /** Forgets the index (but not saves only in memory) and reads the file open as `fd` from the start. */
  private reindex(): void {
    this.ino = fstatSync(this.fd).ino;
    for (const [name, slot] of this.slots) if (slot.unsaved === undefined) this.slots.delete(name);
    this.scanned = 0;
    this.lines = 0;
    this.index(fstatSync(this.fd).size);
  }

  private index(size: number): void {
    const result = scanLog(this.fd, this.scanned, size, (entry, at, bytes) => this.apply(entry, at, bytes));
    this.scanned = result.end;
    this.lines += result.lines;
    if (result.damaged > 0) {
      this.damaged += result.damaged;
      this.report(`pulselog: skipped ${result.damaged} damaged line(s) in ${this.file}`);
    }
  }

  private apply(entry: LineEntry, at: number, bytes: number, unsaved?: string): void {
    // Deleting and re-inserting keeps the map in save order, newest last.
    this.slots.delete(entry.name);
    if (entry.op !== 'set') return;
    const { op: _, ...meta } = entry;
    const slot: Slot = { ...meta, at, bytes };
    if (unsaved !== undefined) slot.unsaved = unsaved;
    this.slots.set(entry.name, slot);
  }

  /** Reads and parses a checkpoint's data; a damaged one is counted, reported once and left out. */
  private load(slot: Slot): Checkpoint | undefined {
    if (slot.damaged) return undefined;
    let text: string | undefined;
    try {
      text = slot.unsaved ?? this.readLine(slot, (line) => readData(line, 0, line.length));
    } catch (err) {
      this.errors++;
      this.report(`pulselog: cannot read checkpoint '${slot.name}' from ${this.file}: ${describe(err)}`);
      return undefined;
    }
    try {
      if (text !== undefined) return toCheckpoint(slot, JSON.parse(text));
    } catch {
      // Valid checksum, broken JSON: damaged all the same.
    }
    slot.damaged = true;
    this.damaged++;
    this.report(`pulselog: skipped damaged checkpoint '${slot.name}' in ${this.file}`);
    return undefined;
  }

  private readLine<T>(slot: Slot, use: (line: Buffer) => T): T {
    const line = Buffer.allocUnsafe(slot.bytes);
    return use(line.subarray(0, readAt(this.fd, line, slot.bytes, slot.at)));
  }

  /** A checkpoint's line in this version's form, newline included; `undefined` when its data is gone. */
  private currentLine(slot: Slot): Buffer | undefined {
    if (slot.unsaved !== undefined) return Buffer.from(encodeSet(slot.name, slot.ts, slot, slot.unsaved));
    return this.readLine(slot, (line) => {
      if (isCurrentSave(line)) return Buffer.concat([line, NEWLINE]);
      const data = readData(line, 0, line.length);
      return data === undefined ? undefined : Buffer.from(encodeSet(slot.name, slot.ts, slot, data));
    });
  }

  /**
   * Rewrites the log with one line per checkpoint, under the lock and caught
   * up, so it holds every process's saves (and those of this one that could
   * not be written before). Other processes see the new file on their next look.
   */
  private compact(): void {
    try {
      replaceFile(this.file, this.currentLines());
      for (const slot of this.slots.values()) delete slot.unsaved;
      this.catchUp();
    } catch (err) {
      this.errors++;
      this.report(`pulselog: could not compact ${this.file}: ${describe(err)}`);
    }
  }

  private *currentLines(): Generator<Buffer> {
    for (const slot of this.slots.values()) {
      const line = this.currentLine(slot);
      if (line) yield line;
    }
  }
}

const NEWLINE = Buffer.from('\n');

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.startsWith(code) ? `${code}: ${message}` : message;
}

function toCheckpoint(slot: Slot, data: unknown): Checkpoint {
  const checkpoint: Checkpoint = { name: slot.name, data, ts: slot.ts };
  if (slot.status !== undefined) checkpoint.status = slot.status;
  if (slot.note !== undefined) checkpoint.note = slot.note;
  if (slot.progress !== undefined) checkpoint.progress = slot.progress;
  return checkpoint;
}
