/**
 * The session recorder's thread. It runs from its own source text (a Worker
 * with `eval`), so the same code works from `src/` under test and from
 * `dist/`; it therefore must not use anything defined outside its body.
 *
 * Shared counters (an `Int32Array` over `workerData.sab`) let the logger's
 * thread see progress without waiting for its event loop, and wait for it
 * synchronously with `Atomics.wait` at exit.
 */

import type { PackedRecords } from '../core/packed.js';

declare const require: (id: string) => unknown;
/** `formatPacked` from `../core/packed.ts`, put in front of this body by the source that starts the thread. */
declare const formatPacked: (packed: PackedRecords) => string;

/** Indexes into the shared `Int32Array`. */
export const SLOT = { state: 0, batches: 1, chars: 2, errors: 3 } as const;
/** Values of the `state` slot. */
export const STATE = { starting: 0, open: 1, failed: 2 } as const;

/** What the recorder thread is started with. */
export interface SessionWorkerData {
  sab: SharedArrayBuffer;
  file: string;
  header: string;
  keepSessions: number;
}

/** Body of the recorder thread: opens the file, writes each message it receives, prunes old sessions. */
export function sessionWorkerMain(): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const path = require('node:path') as typeof import('node:path');
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const data = workerData as SessionWorkerData;
  const slots = new Int32Array(data.sab);
  let fd = -1;
  try {
    fs.mkdirSync(path.dirname(data.file), { recursive: true });
    fd = fs.openSync(data.file, 'a', 0o600);
    fs.writeSync(fd, data.header);
    Atomics.store(slots, 0, 1);
  } catch (err) {
    Atomics.store(slots, 0, 2);
    parentPort?.postMessage({ t: 'error', message: String((err as Error)?.message ?? err) });
  }
  Atomics.notify(slots, 1);
  if (fd >= 0) {
    try {
      const dir = path.dirname(data.file);
      const files = fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.ndjson'))
        .map((f) => ({ f, t: fs.statSync(path.join(dir, f)).mtimeMs }))
        .sort((a, b) => b.t - a.t);
      for (const old of files.slice(data.keepSessions)) {
        if (path.join(dir, old.f) !== data.file) fs.rmSync(path.join(dir, old.f), { force: true });
      }
    } catch {
      // Pruning is housekeeping; a failure must not stop recording.
    }
  }
  parentPort?.on('message', (message: string | PackedRecords | { t: 'close' }) => {
    if (typeof message === 'string' || 'st' in message) {
      // Records arrive packed; checkpoints, gaps and the end line as text.
      const text = typeof message === 'string' ? message : formatPacked(message);
      if (fd >= 0) {
        try {
          fs.writeSync(fd, text);
        } catch {
          Atomics.add(slots, 3, 1);
        }
      }
      Atomics.add(slots, 2, typeof message === 'string' ? message.length : message.chars);
      Atomics.add(slots, 1, 1);
      Atomics.notify(slots, 1);
    } else if (message.t === 'close') {
      if (fd >= 0) fs.closeSync(fd);
      fd = -1;
      parentPort?.postMessage({ t: 'closed' });
    }
  });
}
