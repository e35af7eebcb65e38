/**
 * Messages from the logging thread, taken in slices of at most `sliceMs`.
 * Node hands a worker every message waiting on its port in one turn of its
 * event loop; far behind (a program logging in a loop that never yields can
 * have hundreds of megabytes in passage), handling them all at once would
 * keep the pipeline thread from its timers and its signal watchers for
 * seconds. Here they only queue up in that turn, and are taken between turns.
 */
export class Inbox<T> {
  private readonly waiting: T[] = [];
  private head = 0;
  private scheduled = false;
  private readonly work = () => this.takeSlice();

  constructor(
    private readonly take: (message: T) => void,
    private readonly sliceMs = 2,
  ) {}

  /** Queues a message from the port; taken at the next turn. */
  push(message: T): void {
    this.waiting.push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.work);
    }
  }

  /** The next message waiting, taken out of turn (the process is about to end), or `undefined`. */
  next(): T | undefined {
    if (this.head >= this.waiting.length) return undefined;
    const message = this.waiting[this.head] as T;
    this.waiting[this.head++] = undefined as T;
    return message;
  }

  private takeSlice(): void {
    const until = performance.now() + this.sliceMs;
    for (let message = this.next(); message !== undefined; message = this.next()) {
      this.take(message);
      if (performance.now() >= until) break;
    }
    if (this.head >= this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
      this.scheduled = false;
    } else {
      if (this.head > 1024) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      setImmediate(this.work);
    }
  }
}
