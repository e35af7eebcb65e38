import type { ServerMessage } from '@pulselog/shared';
import type { Incoming } from '../core/incoming.js';
import type { SessionModel } from './session.js';

/** Longest stretch of main-thread time one slice of ingest may take, in milliseconds. */
const SLICE_MS = 6;
/** Records appended between two looks at the clock. */
const STEP = 256;

/**
 * Feeds server messages to a session in order, in slices of a few
 * milliseconds, yielding between slices, so neither input nor painting waits
 * behind a burst of records. Packed records (from the `Stream`) go in
 * a run at a time, which is cheap; a batch of record objects is packed and
 * appended a few hundred records at a time.
 */
export class Ingest {
  private readonly queue: (ServerMessage | Incoming)[] = [];
  /** Records of the batch at the head of the queue already appended. */
  private offset = 0;
  private scheduled = false;
  private readonly channel = new MessageChannel();

  constructor(private readonly model: SessionModel) {
    this.channel.port1.onmessage = () => {
      this.scheduled = false;
      this.work();
    };
  }

  /** Messages waiting to be applied. */
  get pending(): number {
    return this.queue.length;
  }

  /** Queues a message; it is applied after every message queued before it. */
  push(message: ServerMessage | Incoming): void {
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
      const message = this.queue[0] as ServerMessage | Incoming;
      if (message.type === 'batch') {
        const records = message.records;
        while (this.offset < records.length) {
          const end = Math.min(records.length, this.offset + STEP);
          this.model.append(this.offset === 0 && end === records.length ? records : records.slice(this.offset, end));
          this.offset = end;
          if (performance.now() >= deadline && this.offset < records.length) {
            this.schedule();
            return;
          }
        }
        this.offset = 0;
      } else {
        this.model.apply(message);
      }
      this.queue.shift();
      if (performance.now() >= deadline && this.queue.length > 0) {
        this.schedule();
        return;
      }
    }
  }
}
