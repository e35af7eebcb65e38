/**
 * The session recorder's thread. It runs from its own source text (a Worker
 * with `eval`), so the same code works from `src/` under test and from
 * `dist/`; it therefore must not use anything defined outside its body.
 *
 * Shared counters (an `Int32Array` over `workerData.sab`) let the logger's
 * thread see progress without waiting for its event loop, and wait for it
 * synchronously with `Atomics.wait` at exit.
 */

import type { MessagePort } from 'node:worker_threads';
import type { PackedRecords } from '../core/packed.js';

declare const require: (id: string) => unknown;
/** `formatPacked` from `../core/packed.ts`, put in front of this body by the source that starts the thread. */
declare const formatPacked: (packed: PackedRecords) => string;

/**
 * Indexes into the shared `Int32Array`: the thread's state, batches and
 * characters written, write errors, characters the logger handed over, and
 * the same two counted as sent (`PackedRecords.sent`).
 */
export const SLOT = { state: 0, batches: 1, chars: 2, errors: 3, posted: 4, sentWritten: 5, sent: 6 } as const;
/** Values of the `state` slot. */
export const STATE = { starting: 0, open: 1, failed: 2 } as const;

/**
 * Where the recorder passes on what it writes: the dashboard hub's thread,
 * which then sends tabs the very text of the file instead of building it
 * again (see `FromRecorder` in `../server/messages.ts`).
 */
export interface RecorderFeed {
  /** The recorder's end of the channel to the hub. */
  port: MessagePort;
  /** First line of a batch frame (`LINES_HEAD` of `@pulselog/shared`). */
  head: string;
  /** The hub's progress counters (`HubOptions.progress`). */
  progress: SharedArrayBuffer;
  /** Slot of `progress` counting the characters of lines the hub took in. */
  takenSlot: number;
  /**
   * Characters of lines the hub may be behind before records are passed over:
   * they go on to the file, and the hub gets a `skipped` note instead, so a
   * dashboard that cannot keep up never holds up the file or the program.
   */
  maxBehind: number;
}

/** What the recorder thread is started with. */
export interface SessionWorkerData {
  sab: SharedArrayBuffer;
  file: string;
  header: string;
  keepSessions: number;
  feed?: RecorderFeed;
  /**
   * The logger's bounds on what the file may be behind (handed over, not yet
   * written): characters of lines, and characters as sent. Past either, the
   * hub is passed over likewise: on a machine too busy for both, the file
   * comes first. At those bounds the logger starts keeping records in its
   * queues, and the hub's share of the CPU then goes to catching the file up
   * before those fill.
   */
  fileBounds: { chars: number; sent: number };
}

/**
 * Body of the recorder thread: opens the file, writes each message it
 * receives (and passes it on to the hub, when there is a feed), prunes old sessions.
 */
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
  const feed = data.feed;
  const hubTaken = feed ? new Int32Array(feed.progress) : undefined;
  /** Characters of lines passed on to the hub, wrapping like its counter. */
  let fed = 0;
  const head = feed ? Buffer.from(feed.head) : Buffer.alloc(0);
  const write = (text: string) => {
    if (fd < 0) return;
    try {
      // A string goes to the file without a Buffer made for it: fewer allocations for the garbage collector to chase.
      fs.writeSync(fd, text);
    } catch {
      Atomics.add(slots, 3, 1);
    }
  };
  /** Writes `bytes` from `from` on, whole: a write may take fewer bytes than it was given. */
  const writeBytes = (bytes: Buffer, from: number) => {
    if (fd < 0) return;
    try {
      for (let at = from; at < bytes.length; ) {
        const n = fs.writeSync(fd, bytes, at, bytes.length - at);
        if (n <= 0) throw new Error('nothing written');
        at += n;
      }
    } catch {
      Atomics.add(slots, 3, 1);
    }
  };
  /**
   * Writes records and passes them on to the hub, or notes them skipped
   * while it or the file is too far behind: the file holds them. When the
   * file could not be opened, the hub is passed over all the same, as its
   * backlog must stay bounded, but the records are then lost, and the note
   * says so.
   */
  const writeRecords = (st: Float64Array, lines: string) => {
    if (!feed || !hubTaken) return write(lines);
    const firstSeq = st[0] as number;
    const lastSeq = st[st.length - 2] as number;
    const count = st.length / 2;
    const hubBehind = (fed - Atomics.load(hubTaken, feed.takenSlot)) | 0;
    // Slots by number (`SLOT` is outside this body): characters handed over, less those written, then the same as sent.
    const fileBehind =
      ((Atomics.load(slots, 4) - Atomics.load(slots, 2)) | 0) > data.fileBounds.chars ||
      ((Atomics.load(slots, 6) - Atomics.load(slots, 5)) | 0) > data.fileBounds.sent;
    if (hubBehind > feed.maxBehind || fileBehind) {
      write(lines);
      feed.port.postMessage({ t: 'skipped', from: firstSeq, to: lastSeq, count, lost: fd < 0 });
      return;
    }
    // Encoded once for the file and the tabs: the hub sends these very bytes,
    // their buffer moved to its thread rather than the text copied there and
    // encoded again. The frame is `linesFrame` of `server/replay.ts`, built
    // here because this body cannot import it.
    const frame = Buffer.allocUnsafeSlow(head.length + Buffer.byteLength(lines));
    head.copy(frame);
    frame.write(lines, head.length);
    writeBytes(frame, head.length);
    fed = (fed + lines.length) | 0;
    const buffer = frame.buffer;
    feed.port.postMessage({ t: 'frame', frame: buffer, chars: lines.length, firstSeq, lastSeq, count }, [buffer]);
  };
  parentPort?.on('message', (message: string | PackedRecords | { t: 'close' }) => {
    let chars: number;
    let sent: number;
    if (typeof message === 'string') {
      // Checkpoints, gaps and the end line arrive as text.
      write(message);
      feed?.port.postMessage({ t: 'line', text: message });
      chars = message.length;
      sent = chars;
    } else if ('st' in message) {
      // Records arrive packed: made into text once, for the file and the hub alike.
      writeRecords(message.st, formatPacked(message));
      chars = message.chars;
      sent = message.sent;
    } else {
      if (fd >= 0) fs.closeSync(fd);
      fd = -1;
      parentPort?.postMessage({ t: 'closed' });
      return;
    }
    Atomics.add(slots, 2, chars);
    Atomics.add(slots, 5, sent);
    Atomics.add(slots, 1, 1);
    Atomics.notify(slots, 1);
  });
}
