import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { GapMessage } from '@pulselog/shared';
import { LINES_HEAD_LENGTH } from '../batch/packed.js';
import type { Consumer } from './consumer.js';
import type { LineBatch } from './line-batch.js';

/** Records a run of failed writes left out of the file, told by the gap line written once writing works again. */
interface Missing {
  from: number;
  to: number;
  count: number;
  /** Lines other than records (checkpoint changes, drop notes) left out too. */
  lines: number;
}

/**
 * The session file as the pipeline thread writes it: opened with its header,
 * appended to synchronously (the thread has nothing better to do meanwhile,
 * and the logging thread may be waiting for it at exit).
 *
 * A write that fails (a full disk, a read-only remount, EIO, the folder
 * deleted) is counted, never thrown, and leaves the file ending on a line
 * boundary: whatever part of the write the kernel took is cut off again.
 * While writes fail, every batch tries again; the first that succeeds is
 * preceded by a gap line (`reason: 'dropped'`, with the error) saying which
 * records the file is missing, so a reader never meets a torn line.
 */
export class SessionFile implements Consumer {
  private fd = -1;
  /** Bytes of whole lines in the file: where a failed write is cut back to. */
  private size = 0;
  /** Set when a failed write may have left part of itself after `size`. */
  private torn = false;
  private missing: Missing | undefined;
  /** The header, while it could not be written: the file's first line, before any gap line. */
  private header: string | undefined;
  /** Set once `open` succeeded: from then on every record is written or counted. */
  private opened = false;
  /** The header as opened with, for a file made anew after the first was deleted. */
  private headerText = '';
  /** Records written into the file as it is now, lost with it should it be deleted. */
  private held: Missing = { from: 0, to: 0, count: 0, lines: 0 };
  /** Writes that failed. */
  errors = 0;
  /** Records left out of the file for failed writes, over the whole session. */
  unwritten = 0;
  /** The error of the write failing now (`ENOSPC: no space left on device`), or `undefined` while writes succeed. */
  failure: string | undefined;

  constructor(readonly path: string) {}

  /** Opens the file and writes `header`; the error's message when it could not. */
  open(header: string): string | undefined {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o600);
      this.size = fstatSync(this.fd).size;
    } catch (err) {
      this.closeNow();
      this.errors++;
      return describe(err);
    }
    this.headerText = header;
    this.opened = true;
    // A header that does not fit is the first failure of a file that is open: it goes first once writes work again.
    if (!this.append(header, 0)) this.header = header;
    return undefined;
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  /** True while the file holds every record given to it: open, and not failing. */
  get holds(): boolean {
    return this.fd >= 0 && this.failure === undefined;
  }

  take(batch: LineBatch): void {
    if (!this.opened) return;
    const written =
      batch.wantsFrame || batch.hasFrame ? this.write(batch.frame(), LINES_HEAD_LENGTH) : this.write(batch.text, 0);
    if (!written) {
      this.leaveOut(batch.firstSeq, batch.lastSeq, batch.count);
      return;
    }
    if (this.held.count === 0) this.held.from = batch.firstSeq;
    this.held.to = batch.lastSeq;
    this.held.count += batch.count;
  }

  /**
   * Finds out whether the file was deleted (its folder removed, say) while
   * open: writes would go on into a file nobody can read. Then it makes the
   * file anew, whose next write brings the header and a gap line for the
   * records the deleted one held. True when it was deleted.
   */
  checkDeleted(): boolean {
    if (this.fd < 0) return false;
    try {
      if (fstatSync(this.fd).nlink > 0) return false;
    } catch {
      return false;
    }
    this.closeNow();
    const held = this.held;
    this.held = { from: 0, to: 0, count: 0, lines: 0 };
    this.unwritten += held.count;
    this.errors++;
    this.failure = 'the file was deleted while being written';
    this.header = this.headerText;
    this.torn = false;
    this.size = 0;
    if (held.count > 0) {
      const missing = this.missing;
      if (missing === undefined || missing.count === 0)
        this.missing = { from: held.from, to: held.to, count: held.count, lines: missing?.lines ?? 0 };
      else Object.assign(missing, { from: held.from, count: missing.count + held.count });
    }
    this.reopen();
    return true;
  }

  /** Makes the file anew after it was deleted; false while that fails (it is tried again with each write). */
  private reopen(): boolean {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o600);
      return true;
    } catch {
      return false;
    }
  }

  line(text: string): void {
    if (this.opened && !this.write(text, 0)) this.leaveOut(0, 0, 0);
  }

  /** Counts what a failed write left out, for the gap line. */
  private leaveOut(from: number, to: number, count: number): void {
    this.unwritten += count;
    this.missing ??= { from: 0, to: 0, count: 0, lines: 0 };
    const missing = this.missing;
    if (count === 0) {
      missing.lines++;
      return;
    }
    if (missing.count === 0) missing.from = from;
    missing.to = to;
    missing.count += count;
  }

  /**
   * Appends `data` from byte `from` on. While writes fail, it first cuts off
   * what the last failed write left, and the header (if it never made it)
   * and the gap line go in one write with `data`: on a disk with a little
   * room, they land together or not at all, rather than one gap line per try.
   */
  private write(data: Buffer | string, from: number): boolean {
    if (this.failure === undefined) return this.append(data, from);
    if (this.fd < 0 && !this.reopen()) {
      this.errors++;
      return false;
    }
    if (this.torn && !this.cut()) {
      this.errors++;
      return false;
    }
    const body = typeof data === 'string' ? Buffer.from(data) : data.subarray(from);
    if (!this.append(Buffer.concat([Buffer.from((this.header ?? '') + this.gapLine()), body]), 0)) return false;
    this.header = undefined;
    this.missing = undefined;
    this.failure = undefined;
    return true;
  }

  /** The gap line for what failed writes left out, or nothing. */
  private gapLine(): string {
    const missing = this.missing;
    if (missing === undefined) return '';
    const { from, to, count, lines } = missing;
    const gap: GapMessage = { type: 'gap', reason: 'dropped', from, to, count, error: this.failure as string };
    if (lines > 0) gap.lines = lines;
    return `${JSON.stringify(gap)}\n`;
  }

  /** Cuts the file back to its last whole line; false when even that fails (a read-only file system). */
  private cut(): boolean {
    try {
      ftruncateSync(this.fd, this.size);
      this.torn = false;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Appends `data` from byte `from` on, whole (a write may take fewer bytes
   * than it was given); a string goes to the file without a Buffer made for
   * it unless the kernel takes only part of it. False when a write failed:
   * `failure` says why, and the file is cut back to its last whole line.
   */
  private append(data: Buffer | string, from: number): boolean {
    let bytes: Buffer | undefined = typeof data === 'string' ? undefined : data;
    let at = from;
    try {
      if (bytes === undefined) {
        const text = data as string;
        const n = writeSync(this.fd, text);
        const length = Buffer.byteLength(text);
        if (n === length) {
          this.size += n;
          return true;
        }
        this.torn = true;
        bytes = Buffer.from(text);
        at = n;
      }
      while (at < bytes.length) {
        const n = writeSync(this.fd, bytes, at, bytes.length - at);
        if (n > 0) this.torn = true;
        if (n <= 0) throw Object.assign(new Error('the file took no bytes'), { code: 'EIO' });
        at += n;
      }
      this.size += bytes.length - from;
      this.torn = false;
      return true;
    } catch (err) {
      this.errors++;
      // A full disk gets its space back from the cut at once; a read-only one is cut once writes work again.
      if (this.torn) this.cut();
      // A run of failures is told by its first error.
      this.failure ??= describe(err);
      return false;
    }
  }

  async close(): Promise<void> {
    this.opened = false;
    this.closeNow();
  }

  private closeNow(): void {
    if (this.fd < 0) return;
    try {
      closeSync(this.fd);
    } catch {
      // Closing is the last thing done with the file; there is nothing left to save.
    }
    this.fd = -1;
  }
}

/** `ENOSPC: no space left on device` from a Node error (its code first), or the message of anything else. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as NodeJS.ErrnoException).code;
  // Node's message already opens with the code: `ENOSPC: no space left on device, write`.
  const message = err.message.replace(/, (write|open|ftruncate|mkdir)( '.*')?$/, '');
  return code !== undefined && !message.startsWith(code) ? `${code}: ${message}` : message;
}
