/**
 * An output's disk spool: runs of record lines its backend has not taken
 * yet, one file per run, kept under `.pulselog/spool/<output>` so that the
 * next run of the program sends what this one could not. Bounded: past
 * `maxBytes` the oldest runs are deleted, and their records counted.
 *
 * A file is named `<time>-<pid>-<n>-<records>.ndjson` so that names sort in
 * the order they were written and tell how many records they hold without
 * being read. It is written under a temporary name and renamed, so a crash
 * never leaves half a run to be sent.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const RUN = /^(\d{15})-(\d+)-(\d+)-(\d+)\.ndjson$/;

/** A spooled run of lines. */
export interface SpooledRun {
  /** The file's name in the spool. */
  readonly file: string;
  readonly lines: string[];
}

interface Entry {
  file: string;
  records: number;
  bytes: number;
}

/** The spool of one output; every operation is synchronous (it runs in the pipeline thread). */
export class Spool {
  private readonly entries: Entry[] = [];
  private bytes = 0;
  private written = 0;
  /** Records in the spool now. */
  records = 0;

  constructor(
    readonly dir: string,
    private readonly maxBytes: number,
  ) {
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir).sort()) {
      const match = RUN.exec(file);
      if (match === null) continue;
      const bytes = statSync(join(dir, file)).size;
      this.entries.push({ file, records: Number(match[4]), bytes });
      this.bytes += bytes;
      this.records += Number(match[4]);
    }
  }

  /** True when nothing is spooled. */
  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** Keeps `lines` after everything spooled; returns the records dropped (oldest first) to stay under the bound. */
  add(lines: readonly string[]): number {
    if (lines.length === 0) return 0;
    const text = `${lines.join('\n')}\n`;
    const stamp = String(Date.now()).padStart(15, '0');
    const file = `${stamp}-${process.pid}-${this.written++}-${lines.length}.ndjson`;
    const tmp = join(this.dir, `.${file}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(this.dir, file));
    const bytes = Buffer.byteLength(text);
    this.entries.push({ file, records: lines.length, bytes });
    this.bytes += bytes;
    this.records += lines.length;
    let dropped = 0;
    while (this.bytes > this.maxBytes && this.entries.length > 1) {
      dropped += this.remove((this.entries[0] as Entry).file);
    }
    return dropped;
  }

  /** The oldest run, read from disk; `undefined` when the spool is empty. */
  oldest(): SpooledRun | undefined {
    while (this.entries.length > 0) {
      const entry = this.entries[0] as Entry;
      try {
        const text = readFileSync(join(this.dir, entry.file), 'utf8');
        return { file: entry.file, lines: text.split('\n').filter((line) => line !== '') };
      } catch {
        // Deleted behind our back (another process of the same project sent it): nothing to send.
        this.forget(entry.file);
      }
    }
    return undefined;
  }

  /** Deletes a run once sent; returns its records. */
  remove(file: string): number {
    try {
      unlinkSync(join(this.dir, file));
    } catch {
      // Already gone: the count still comes off.
    }
    return this.forget(file);
  }

  /** Puts `lines` in place of run `file` (what is left of it after a partial delivery). */
  replace(file: string, lines: readonly string[]): void {
    const index = this.entries.findIndex((e) => e.file === file);
    if (index < 0) return;
    if (lines.length === 0) {
      this.remove(file);
      return;
    }
    const entry = this.entries[index] as Entry;
    const text = `${lines.join('\n')}\n`;
    const renamed = file.replace(/-\d+\.ndjson$/, `-${lines.length}.ndjson`);
    const tmp = join(this.dir, `.${renamed}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(this.dir, renamed));
    if (renamed !== file) unlinkSync(join(this.dir, file));
    const bytes = Buffer.byteLength(text);
    this.bytes += bytes - entry.bytes;
    this.records += lines.length - entry.records;
    this.entries[index] = { file: renamed, records: lines.length, bytes };
  }

  private forget(file: string): number {
    const index = this.entries.findIndex((e) => e.file === file);
    if (index < 0) return 0;
    const [entry] = this.entries.splice(index, 1) as [Entry];
    this.bytes -= entry.bytes;
    this.records -= entry.records;
    return entry.records;
  }
}
