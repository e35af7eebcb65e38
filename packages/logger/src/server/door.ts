import type { Socket } from 'node:net';

/** How many sockets the dashboard server lets in, and for how long. */
export interface DoorLimits {
  /** Sockets not yet authorised open at once; one more closes the oldest of them that is idle. */
  maxPending: number;
  /** Milliseconds a socket may stay open without being authorised. */
  pendingMs: number;
  /** Sockets open at once, authorised or not; past it a newcomer is closed at once. */
  maxSockets: number;
}

/**
 * The defaults: a page load opens at most a handful of sockets before its
 * WebSocket is authorised, so a few dozen is room for several tabs at once,
 * while a flood of idle sockets holds no more than that many of the
 * program's file descriptors.
 */
export const DOOR_LIMITS: DoorLimits = Object.freeze({ maxPending: 32, pendingMs: 10_000, maxSockets: 512 });

/** What the door has turned away. */
export interface DoorCounts {
  /** Sockets open now. */
  open: number;
  /** Sockets open now that are not authorised. */
  pending: number;
  /** Sockets closed unauthorised: pushed out by newer ones, kept too long, or over the total cap. */
  closed: number;
}

/**
 * Keeps a flood of sockets from taking the program's file descriptors or
 * starving a real tab. Every socket comes in pending; an authorised request
 * or WebSocket makes it trusted. Pending sockets are few (the oldest idle
 * one goes when one more arrives, so the newest, a real tab's among them,
 * get served) and short-lived (`pendingMs`); all sockets together are capped.
 */
export class Door {
  /** Pending sockets, oldest first, each with its deadline timer. */
  private readonly pending = new Map<Socket, NodeJS.Timeout>();
  /** Pending sockets with a request being answered: closed only past their deadline. */
  private readonly busy = new Set<Socket>();
  private readonly trusted = new Set<Socket>();
  private closed = 0;

  constructor(private readonly limits: DoorLimits = DOOR_LIMITS) {}

  /** Takes a newly accepted socket (the server's `connection` event). */
  admit(socket: Socket): void {
    if (this.pending.size + this.trusted.size >= this.limits.maxSockets && !this.pushOutOldest()) {
      this.turnAway(socket);
      return;
    }
    if (this.pending.size >= this.limits.maxPending) this.pushOutOldest();
    const timer = setTimeout(() => this.turnAway(socket), this.limits.pendingMs);
    timer.unref();
    this.pending.set(socket, timer);
    socket.once('close', () => this.forget(socket));
  }

  /** Marks a socket authorised: it stays until it closes (the server's own timeouts still apply). */
  trust(socket: Socket): void {
    const timer = this.pending.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.pending.delete(socket);
    this.busy.delete(socket);
    this.trusted.add(socket);
  }

  /** Notes that a pending socket's request is being answered, or (`false`) has been: an idle one goes first. */
  serving(socket: Socket, busy: boolean): void {
    if (!this.pending.has(socket)) return;
    if (busy) this.busy.add(socket);
    else this.busy.delete(socket);
  }

  /** Sockets open and turned away. */
  counts(): DoorCounts {
    return { open: this.pending.size + this.trusted.size, pending: this.pending.size, closed: this.closed };
  }

  /** Closes the oldest idle pending socket; false when there is none. */
  private pushOutOldest(): boolean {
    for (const socket of this.pending.keys()) {
      if (this.busy.has(socket)) continue;
      this.turnAway(socket);
      return true;
    }
    return false;
  }

  private turnAway(socket: Socket): void {
    this.forget(socket);
    this.closed++;
    // Destroyed, not ended: a peer that never reads would hold a half-closed socket open.
    socket.destroy();
  }

  private forget(socket: Socket): void {
    clearTimeout(this.pending.get(socket));
    this.pending.delete(socket);
    this.busy.delete(socket);
    this.trusted.delete(socket);
  }
}
