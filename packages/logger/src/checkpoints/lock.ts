import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { currentOwner, type Owner, ownerState, toOwner } from '../sessions/liveness.js';

/**
 * A lock between processes, made of a file: whoever makes `<path>` holds it.
 * Each process writes its pid, host and time once into a ticket of its own
 * (`<path>.<pid>-<id>.ticket`) and takes the lock by linking the ticket to
 * `<path>`: like a create with `O_EXCL`, a link fails when the name exists,
 * but it makes no new file, so a lock taken for every save costs a link and
 * an unlink, and the lock never exists without its holder's name in it. A
 * lock whose holder has died (see `ownerState`), or that another host has
 * held for a minute, is broken; breaking is itself guarded by a second lock
 * (`<path>.break`), so two processes that find the same dead holder cannot
 * both take over, nor one remove the lock the other just took. Tickets of
 * processes that are gone are removed when a process makes its own.
 * Synchronous, and without native modules, like the saves it guards.
 */
export class FileLock {
  private held = false;
  /** This process's ticket, made on first use. */
  private ticket: string | undefined;
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
      if (this.link()) {
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

  /** Removes this process's ticket (the lock's file when it holds it); the next `acquire` makes another. */
  dispose(): void {
    if (this.ticket) rmSync(this.ticket, { force: true });
    this.ticket = undefined;
  }

  /** Links this process's ticket to the lock's path; false when the lock is held. */
  private link(): boolean {
    this.ticket ??= makeTicket(this.path);
    try {
      linkSync(this.ticket, this.path);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      if (existsSync(this.ticket)) throw err;
      // Someone removed the ticket (a cleaner of temporary files, say): make another.
      this.ticket = makeTicket(this.path);
      return this.link();
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

/** Writes a ticket for the lock at `path` naming this process, after removing those of processes that are gone. */
function makeTicket(path: string): string {
  removeGoneTickets(path);
  const ticket = `${path}.${process.pid}-${randomUUID().slice(0, 8)}${TICKET}`;
  // Its name in it makes every lock's text unique, so `removeIf` never mistakes a new lock for the stale one it read.
  writeFileSync(ticket, JSON.stringify({ ...currentOwner(), ticket: basename(ticket) }), { mode: 0o600, flag: 'wx' });
  return ticket;
}

const TICKET = '.ticket';
/** A ticket of another host's process, unchanged this long, is taken for one whose process is gone. */
const OTHER_HOST_TICKET_MS = 24 * 3_600_000;

function removeGoneTickets(path: string): void {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.startsWith(prefix) && name.endsWith(TICKET));
  } catch {
    return;
  }
  for (const name of names) {
    const file = join(dir, name);
    try {
      const owner = toOwner(JSON.parse(readFileSync(file, 'utf8')));
      const state = owner ? ownerState(owner) : 'unknown';
      const old = Date.now() - statSync(file).mtimeMs > OTHER_HOST_TICKET_MS;
      if (state === 'gone' || (state === 'unknown' && old)) rmSync(file, { force: true });
    } catch {
      // Removed meanwhile, or not ours to read: leave it.
    }
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
  let changed: number;
  try {
    text = readFileSync(path, 'utf8');
    changed = statSync(path).ctimeMs;
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
  // Another host's holder, or a guard its maker has not written yet (or died before writing): only the lock's age can
  // tell, and no change to a store takes anywhere near this long. The age is the inode's change time, which a link
  // sets: a ticket's own time is when its process first took a lock.
  if (state === 'unknown' && Date.now() - changed > UNKNOWN_STALE_MS) return { kind: 'stale', text };
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
