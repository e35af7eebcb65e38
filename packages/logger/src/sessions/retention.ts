import { closeSync, fstatSync, openSync, readdirSync, readSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Owner, ownerState } from './liveness.js';

/**
 * Session retention: which recordings in a session folder may go. Many
 * programs share a project's folder (a long training job, quick scripts, a
 * test run), so a recording is grouped by the logger name in its header and
 * only compared with recordings of that name; and one whose writer still runs
 * is never removed, however many newer ones there are. The writer is known
 * from the header (`{"type":"session","session":{"name","pid","host","startedAt",…}}`):
 * its pid is checked, and its start time tells a reused pid apart (see
 * `ownerState`); a writer on another host, which cannot be checked, counts
 * as running while it changed the file in the last day. A recording that ends with its `{"type":"end"}` line is
 * finished whatever its process does next.
 */

/** What `pruneSessions` is told. */
export interface PruneOptions {
  /** Recordings kept per logger name, newest first (`keepSessions`). */
  keep: number;
  /** Only recordings of this logger name are considered; by default every name's. */
  name?: string;
  /** The caller's own recording, never removed. */
  current?: string;
}

/** What `pruneSessions` did. */
export interface PruneResult {
  /** Files removed. */
  removed: string[];
  /** Files past `keep` left in place because their writer still runs. */
  live: string[];
}

/** What a recording says about itself. */
export interface Recording {
  file: string;
  name: string;
  /** Start of the session, or the file's last change when it has no header. */
  startedAt: number;
  owner: Owner | undefined;
  ended: boolean;
  /** Last change of the file, in ms since the epoch. */
  mtime: number;
}

/** A file with no header yet may be one a writer has just made: left alone this long. */
const NEW_FILE_MS = 60_000;
/** A recording of another host's process, unchanged this long, is taken for one whose writer is gone. */
const OTHER_HOST_QUIET_MS = 24 * 3_600_000;
/** Bytes read at each end of a file to find its header and last line. */
const HEAD_BYTES = 64 * 1024;
const TAIL_BYTES = 4096;

/**
 * Removes old session recordings (`*.ndjson`) from `dir`: per logger name,
 * all but the `keep` newest, except those still being written by a live
 * process (and `current`). Never throws: retention is housekeeping, and a
 * file it cannot read or remove is left as it is.
 */
export function pruneSessions(dir: string, options: PruneOptions): PruneResult {
  const result: PruneResult = { removed: [], live: [] };
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.ndjson'));
  } catch {
    return result;
  }
  const groups = new Map<string, Recording[]>();
  for (const f of names) {
    const recording = readRecording(join(dir, f));
    if (!recording || (options.name !== undefined && recording.name !== options.name)) continue;
    const group = groups.get(recording.name) ?? [];
    group.push(recording);
    groups.set(recording.name, group);
  }
  const now = Date.now();
  for (const group of groups.values()) {
    group.sort((a, b) => b.startedAt - a.startedAt);
    for (const old of group.slice(options.keep)) {
      if (old.file === options.current) continue;
      if (!old.ended && isBeingWritten(old, now)) {
        result.live.push(old.file);
        continue;
      }
      try {
        rmSync(old.file, { force: true });
        result.removed.push(old.file);
      } catch {
        // Another process's file we may not remove, or a folder gone read-only: leave it.
      }
    }
  }
  return result;
}

/** True when a recording's writer still runs (or, for another host's, wrote to it lately). */
export function isBeingWritten(recording: Recording, now = Date.now()): boolean {
  // No header yet: a writer may have just made the file.
  if (!recording.owner) return now - recording.mtime < NEW_FILE_MS;
  const state = ownerState(recording.owner);
  return state === 'alive' || (state === 'unknown' && now - recording.mtime < OTHER_HOST_QUIET_MS);
}

/** Reads a recording's header and last line; `undefined` when the file cannot be read. */
export function readRecording(file: string): Recording | undefined {
  let fd = -1;
  try {
    fd = openSync(file, 'r');
    const { size, mtimeMs } = fstatSync(fd);
    const head = readText(fd, 0, Math.min(size, HEAD_BYTES));
    const tail = size > HEAD_BYTES ? readText(fd, size - TAIL_BYTES, TAIL_BYTES) : head;
    const session = parseHeader(head);
    const recording: Recording = {
      file,
      name: session?.name ?? nameFromFile(file),
      startedAt: session?.startedAt ?? mtimeMs,
      owner: session ? { pid: session.pid, host: session.host, since: session.startedAt } : undefined,
      ended: endsWithEnd(tail),
      mtime: mtimeMs,
    };
    return recording;
  } catch {
    return undefined;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

function readText(fd: number, position: number, length: number): string {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return buf.toString('utf8', 0, n);
}

function parseHeader(head: string): { name: string; pid: number; host: string; startedAt: number } | undefined {
  const end = head.indexOf('\n');
  if (end < 0) return undefined;
  try {
    const line = JSON.parse(head.slice(0, end)) as { type?: unknown; session?: Record<string, unknown> };
    const s = line.session;
    if (line.type !== 'session' || typeof s !== 'object' || s === null) return undefined;
    const { name, pid, host, startedAt } = s;
    if (typeof name !== 'string' || typeof pid !== 'number' || typeof startedAt !== 'number') return undefined;
    return { name, pid, host: typeof host === 'string' ? host : '', startedAt };
  } catch {
    return undefined;
  }
}

/** Whether the last complete line of `tail` is the session's end line. */
function endsWithEnd(tail: string): boolean {
  if (!tail.endsWith('\n')) return false;
  const last = tail.slice(tail.lastIndexOf('\n', tail.length - 2) + 1, -1);
  return last.startsWith('{"type":"end"');
}

/** The logger name a recording's file name begins with (`<name>-<ISO time>[-n].ndjson`). */
function nameFromFile(file: string): string {
  const base = basename(file, '.ndjson');
  return base.replace(/-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z(-\d+)?$/, '');
}
