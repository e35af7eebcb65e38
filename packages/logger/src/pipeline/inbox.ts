/**
 * Messages from the logging thread, taken as they come while the pipeline
 * thread keeps up, and in slices once it falls behind. Node hands a worker
 * every message waiting on its port in one turn of its event loop; far
 * behind (a program logging in a loop that never yields can have hundreds of
 * megabytes in passage), handling them all in that turn would keep the
 * pipeline thread from its timers and its signal watchers for seconds. So a
 * turn takes messages for at most `sliceMs`; the rest wait here and are taken
 * in the turns after, `sliceMs` at a time.
 */
export class Inbox<T> {
  private readonly waiting: T[] = [];
  private head = 0;
  /** Set while a turn's budget runs: the messages of this turn, then the slices after it. */
  private busy = false;
  private budgetEnds = 0;
  private readonly work = () => this.nextTurn();

  constructor(
    private readonly take: (message: T) => void,
    private readonly sliceMs = 10,
  ) {}

  /** A message from the port: taken now, unless this turn has used its time or messages wait before it. */
  push(message: T): void {
    if (this.head < this.waiting.length) {
      this.waiting.push(message);
      return;
    }
    const now = performance.now();
    if (!this.busy) {
      this.busy = true;
      this.budgetEnds = now + this.sliceMs;
      setImmediate(this.work);
    }
    if (now < this.budgetEnds) this.take(message);
    else this.waiting.push(message);
  }

  /** The next message waiting, taken out of turn (the process is about to end), or `undefined`. */
  next(): T | undefined {
    if (this.head >= this.waiting.length) return undefined;
    const message = this.waiting[this.head] as T;
    this.waiting[this.head++] = undefined as T;
    return message;
  }

  /** A new turn of the event loop: a slice of what waits, and another turn if more does. */
  private nextTurn(): void {
    this.budgetEnds = performance.now() + this.sliceMs;
    for (let message = this.next(); message !== undefined; message = this.next()) {
      this.take(message);
      if (performance.now() >= this.budgetEnds) break;
    }
    if (this.head >= this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
      this.busy = false;
      return;
    }
    if (this.head > 1024) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    setImmediate(this.work);
  }
}
