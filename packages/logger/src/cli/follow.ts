/**
 * One file followed as `tail -F` follows it: by name, so a rotation (the
 * name now holds another file) is read to the end of the old file and then
 * from the start of the new one, a truncation starts again from the top, and
 * a file that does not exist yet is waited for.
 */
import { type FileHandle, open, stat } from 'node:fs/promises';

/** What a follower reports on stderr, once per event. */
export type FollowNote = (message: string) => void;

/** Bytes read at a time. */
const CHUNK_BYTES = 256 * 1024;

/** Follows the file at `path`; `poll()` hands what was added since to `take`. */
export class FileFollower {
  private handle: FileHandle | undefined;
  private ino = -1;
  private position = 0;
  private missingSaid = false;
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);

  constructor(
    readonly path: string,
    private readonly take: (chunk: Buffer) => Promise<void>,
    private readonly note: FollowNote,
    /** The file followed so far is done with (rotated away): a last line without its newline is a line. */
    private readonly fileEnded: () => void,
    /** Start at the end of a file there now (the first one only): `tail`'s habit, not `cat`'s. */
    private fromEnd: boolean,
  ) {}

  /** Reads whatever the file (by its name) has gained since the last poll. */
  async poll(): Promise<void> {
    let now: { ino: number; size: number } | undefined;
    try {
      now = await stat(this.path);
    } catch {
      now = undefined;
    }
    if (now === undefined) {
      if (this.handle !== undefined) {
        // Renamed or removed: the old file is still read (a writer may finish its lines there) until another takes the name.
        if (!this.missingSaid)
          this.note(`${this.path} is gone; reading what is still written to it, and waiting for the name to return`);
        this.missingSaid = true;
        await this.readToEnd();
      } else if (!this.missingSaid && this.ino === -1) {
        this.note(`${this.path} does not exist yet; waiting for it`);
        this.missingSaid = true;
      }
      this.fromEnd = false;
      return;
    }
    if (this.handle !== undefined && now.ino !== this.ino) {
      await this.readToEnd();
      await this.closeHandle();
      this.fileEnded();
      this.note(`${this.path} was replaced (rotated); following the new file`);
      this.missingSaid = false;
    }
    if (this.handle === undefined) {
      try {
        this.handle = await open(this.path, 'r');
      } catch (err) {
        if (!this.missingSaid) this.note(`cannot read ${this.path}: ${(err as Error).message}`);
        this.missingSaid = true;
        return;
      }
      const opened = await this.handle.stat();
      if (this.missingSaid) this.note(`${this.path} appeared; following it`);
      this.ino = opened.ino;
      this.position = this.fromEnd ? opened.size : 0;
      this.fromEnd = false;
      this.missingSaid = false;
    } else if (now.size < this.position) {
      this.note(`${this.path} was truncated; reading it from the start`);
      this.position = 0;
    }
    await this.readToEnd();
  }

  private async readToEnd(): Promise<void> {
    const handle = this.handle;
    if (handle === undefined) return;
    for (;;) {
      const { bytesRead } = await handle.read(this.buffer, 0, CHUNK_BYTES, this.position);
      if (bytesRead === 0) return;
      this.position += bytesRead;
      // Copied: the buffer is read into again while the chunk's lines may still be held.
      await this.take(Buffer.from(this.buffer.subarray(0, bytesRead)));
    }
  }

  private async closeHandle(): Promise<void> {
    await this.handle?.close().catch(() => {});
    this.handle = undefined;
  }

  /** Stops following: the file is closed. */
  async close(): Promise<void> {
    await this.closeHandle();
  }
}
