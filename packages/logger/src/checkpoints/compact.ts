import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** Bytes gathered before each write of the new file. */
const WRITE_BYTES = 1 << 20;

/**
 * Replaces `file` with a new one holding `lines`, atomically: the lines go
 * to a temporary file beside it, which is synced and then renamed over
 * `file`, so a crash at any point leaves either the old file or the new one,
 * whole. Throws the file system's error, leaving `file` as it was.
 */
export function replaceFile(file: string, lines: Iterable<Buffer>): void {
  const tmp = `${file}.${process.pid}.tmp`;
  let fd = -1;
  try {
    fd = openSync(tmp, 'w', 0o600);
    const parts: Buffer[] = [];
    let pending = 0;
    for (const line of lines) {
      parts.push(line);
      pending += line.length;
      if (pending > WRITE_BYTES) {
        writeAll(fd, Buffer.concat(parts));
        parts.length = 0;
        pending = 0;
      }
    }
    writeAll(fd, Buffer.concat(parts));
    // The rename must not become visible before the data it points at.
    fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, file);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

function writeAll(fd: number, bytes: Buffer): void {
  for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
}
