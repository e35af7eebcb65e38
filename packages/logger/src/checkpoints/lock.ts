import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { currentOwner, type Owner, ownerState, toOwner } from '../sessions/liveness.js';

/**
 * A lock between processes, made of a file: whoever creates `<path>`
 * (`O_EXCL`) holds it, and writes its pid, host and time in it. A lock whose holder has
 * died (see `ownerState`), or that another host has held for a minute, is broken; breaking is itself guarded by a second
 * lock (`<path>.break`), so two processes that find the same dead holder
 * cannot both take over, nor one remove the lock the other just took.
 * Synchronous, and without native modules, like the saves it guards.
 */
export class FileLock {
  private held = false;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  /** `timeoutMs`: how long `acquire` waits for a live holder before giving up. */
  constructor(
    readonly path: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /**
   * Takes the lock, waiting while another live process holds it. Throws the
   * file system's error when the lock cannot be made (a read-only folder, a
   * full disk), or a `LockBusyError` after `timeoutMs`.
   */
  acquire(): void {
    const deadline = Date.now() + this.timeoutMs;
    let pause = 1;
    for (;;) {
      if (createWith(this.path, currentOwner())) {
        this.held = true;
        return;
      }
      const holder = readOwner(this.path);
      if (holder.kind === 'stale') this.breakStale(holder.text);
      else if (holder.kind === 'gone') continue;
      else if (Date.now() > deadline) throw new LockBusyError(this.path, holder.owner);
      else {
        Atomics.wait(this.sleeper, 0, 0, pause);
        pause = Math.min(pause * 2, 20);
      }
    }
  }

  /** Gives the lock up. */
  release(): void {
    if (!this.held) return;
    this.held = false;
    try {
      unlinkSync(this.path);
    } catch {
      // Gone already: a process took it for a dead holder's, which only a frozen clock could make happen.
    }
  }

  /** Removes the lock if it still holds `stale`, the text of a dead holder's (or an unreadable, old) lock. */
  private breakStale(stale: string): void {
    const guard = `${this.path}.break`;
    if (!createWith(guard, currentOwner())) {
      // Another process is breaking it; a breaker that died mid-way leaves a guard to break in turn.
      const breaker = readOwner(guard);
      if (breaker.kind === 'stale') removeIf(guard, breaker.text);
      Atomics.wait(this.sleeper, 0, 0, 1);
      return;
    }
    try {
      removeIf(this.path, stale);
    } finally {
      unlinkSync(guard);
    }
  }
}

/** Thrown by `FileLock.acquire` when a live process keeps the lock past the timeout. */
export class LockBusyError extends Error {
  /** Node-style code, as file system errors have. */
  readonly code = 'EBUSY';
  constructor(
    readonly path: string,
    readonly holder: Owner | undefined,
  ) {
    super(`${path} is held by ${holder ? `process ${holder.pid}` : 'another process'}`);
    this.name = 'LockBusyError';
  }
}

/** Creates `path` holding `owner` (made with `O_EXCL`: only one process can); false when it exists. */
function createWith(path: string, owner: Owner): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    // The nonce makes every lock's text unique, so `removeIf` never mistakes a new lock for the stale one it read.
    writeSync(fd, JSON.stringify({ ...owner, nonce: randomUUID() }));
  } catch (err) {
    rmSync(path, { force: true });
    throw err;
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A lock whose holder cannot be checked (another host's, or one without a holder written) is stale after this long. */
const UNKNOWN_STALE_MS = 60_000;

/** What a lock file says about its holder: `live` (its owner, when readable), `stale`, or `gone`. */
type Holder = { kind: 'live'; owner?: Owner } | { kind: 'stale'; text: string } | { kind: 'gone' };

function readOwner(path: string): Holder {
  let text: string;
  let mtime: number;
  try {
    text = readFileSync(path, 'utf8');
    mtime = statSync(path).mtimeMs;
  } catch {
    return { kind: 'gone' };
  }
  let owner: Owner | undefined;
  try {
    owner = toOwner(JSON.parse(text));
  } catch {
    owner = undefined;
  }
  const state = owner ? ownerState(owner) : 'unknown';
  if (state === 'gone') return { kind: 'stale', text };
  // Another host's holder, or none written yet (its holder is between making the file and writing it, or died
  // there): only the lock's age can tell, and no change to a store takes anywhere near this long.
  if (state === 'unknown' && Date.now() - mtime > UNKNOWN_STALE_MS) return { kind: 'stale', text };
  return owner ? { kind: 'live', owner } : { kind: 'live' };
}

/** Removes `path` if its text is still `expected`. */
function removeIf(path: string, expected: string): void {
  try {
    if (readFileSync(path, 'utf8') === expected) unlinkSync(path);
  } catch {
    // Gone already.
  }
}
