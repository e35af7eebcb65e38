import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LINES_HEAD_LENGTH } from '../batch/packed.js';
import type { Consumer } from './consumer.js';
import type { LineBatch } from './line-batch.js';

/**
 * The session file as the pipeline thread writes it: opened with its header,
 * appended to synchronously (the thread has nothing better to do meanwhile,
 * and the logging thread may be waiting for it at exit), write failures
 * counted rather than thrown.
 */
export class SessionFile implements Consumer {
  private fd = -1;
  /** Writes that failed. */
  errors = 0;

  constructor(readonly path: string) {}

  /** Opens the file and writes `header`; the error's message when it could not. */
  open(header: string): string | undefined {
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a', 0o600);
      writeSync(this.fd, header);
      return undefined;
    } catch (err) {
      this.closeNow();
      this.errors++;
      return err instanceof Error ? err.message : String(err);
    }
  }

  get isOpen(): boolean {
    return this.fd >= 0;
  }

  take(batch: LineBatch): void {
    if (batch.wantsFrame) this.writeBytes(batch.frame(), LINES_HEAD_LENGTH);
    else this.writeText(batch.text);
  }

  line(text: string): void {
    this.writeText(text);
  }

  /** Appends text; a string goes to the file without a Buffer made for it. */
  private writeText(text: string): void {
    if (this.fd < 0) return;
    try {
      writeSync(this.fd, text);
    } catch {
      this.errors++;
    }
  }

  /** Appends `bytes` from `from` on, whole: a write may take fewer bytes than it was given. */
  private writeBytes(bytes: Buffer, from: number): void {
    if (this.fd < 0) return;
    try {
      for (let at = from; at < bytes.length; ) {
        const n = writeSync(this.fd, bytes, at, bytes.length - at);
        if (n <= 0) throw new Error('nothing written');
        at += n;
      }
    } catch {
      this.errors++;
    }
  }

  async close(): Promise<void> {
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
