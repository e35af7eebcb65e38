import type { Incoming } from '../core/incoming.js';
import type { SessionModel } from './session.js';

/** Longest stretch of main-thread time one slice of ingest may take, in milliseconds. */
const SLICE_MS = 6;

/**
 * Feeds what the `Stream` hands on to a session in order, in slices of a few
 * milliseconds, yielding between slices, so neither input nor painting waits
 * behind a burst of records. Records come packed, a run at a time, which is
 * cheap to append; the slices leave room for growing the record columns
 * (`SessionModel.prepare`) between runs.
 */
export class Ingest {
  private readonly queue: Incoming[] = [];
  private scheduled = false;
  private readonly channel = new MessageChannel();

  constructor(private readonly model: SessionModel) {
    this.channel.port1.onmessage = () => {
      this.scheduled = false;
      this.work();
    };
  }

  /** Queues a message; it is applied after every message queued before it. */
  push(message: Incoming): void {
    this.queue.push(message);
    this.schedule();
  }

  /** Applies everything queued now (before a `hello`, which must see the session as it stands). */
  drain(): void {
    this.work(Number.POSITIVE_INFINITY);
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // A message on a channel runs as its own task, without setTimeout's clamping.
    this.channel.port2.postMessage(null);
  }

  private work(budget = SLICE_MS): void {
    const deadline = performance.now() + budget;
    while (this.queue.length > 0) {
      // Room for the records to come is made one column at a time, each step a slice of work of its own.
      if (budget !== Number.POSITIVE_INFINITY && this.model.prepare()) {
        if (performance.now() >= deadline) {
          this.schedule();
          return;
        }
        continue;
      }
      this.model.apply(this.queue.shift() as Incoming);
      if (performance.now() >= deadline && this.queue.length > 0) {
        this.schedule();
        return;
      }
    }
  }
}
