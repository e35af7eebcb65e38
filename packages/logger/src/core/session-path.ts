import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionInfo } from '@pulselog/shared';

/** `2026-11-22T02-11-57-123Z`: an ISO time that is also a portable file name. */
function fileTime(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

/** Path of a new session file in `dir`, `<name>-<start time>.ndjson`, never one that exists already. */
export function sessionFilePath(dir: string, session: SessionInfo): string {
  const base = `${session.name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80) || 'session'}-${fileTime(session.startedAt)}`;
  let file = join(dir, `${base}.ndjson`);
  for (let n = 2; existsSync(file); n++) file = join(dir, `${base}-${n}.ndjson`);
  return file;
}
