import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PackedRecords } from '../batch/packed.js';
import { JOIN_PROGRESS, type JoinFeedData } from '../join/sender.js';
import { threadExecArgv } from '../thread-argv.js';
import type { OutputStats } from './output.js';
import type { Pipeline } from './pipeline.js';
import { type FromPipeline, type HubFeedData, type PipelineData, SLOT, SLOTS, STATE } from './protocol.js';

/**
 * Characters of records (as sent: `PackedRecords.sent`) the pipeline thread
 * may have been handed and not yet taken in, beyond which it is busy. Bursts
 * far faster than the thread wait there, outside the JavaScript heap, rather
 * than in the logger's queues, where they would overflow; past it the queues
 * hold them. Sized for a burst of large records: a quarter of a million
 * different 1 kB objects.
 */
export const MAX_IN_FLIGHT_CHARS = 256 * 1024 * 1024;

/**
 * Characters of lines the pipeline thread may have yet to write, counted in
 * full (a tail sent once for many records counts for each), beyond which it
 * is busy too. `MAX_IN_FLIGHT_CHARS` bounds memory, and a failure logged over
 * and over takes little of it; this bounds the work waiting, and so the last
 * wait at exit: about two to three seconds of writing here.
 */
export const MAX_IN_FLIGHT_WORK = 1024 * 1024 * 1024;

/** Characters of lines the hub may be behind when no session file holds the records; past it the logger holds them. */
export const MAX_HUB_BACKLOG_CHARS = MAX_IN_FLIGHT_CHARS;

/** The hub's side of the feed, as the logging thread knows it. */
export interface HubLink {
  feed: HubFeedData;
  /** Tells tabs of records that will never come (the pipeline thread died). */
  lost(from: number, to: number, count: number): void;
}

/** What `PipelineClient` is started with. */
export interface PipelineSetup {
  data: Omit<PipelineData, 'sab' | 'hub' | 'bounds' | 'join'>;
  hub?: HubLink;
  /** The process got `signal`, heard by the pipeline thread: end the session and raise it again. */
  onSignal?: (signal: 'SIGINT' | 'SIGTERM', handled: boolean) => void;
  /** The pipeline thread cannot watch signals here: the logging thread must listen for them itself. */
  onSignalsUnwatched?: () => void;
  /** The dashboard of another process or thread to send records to, in place of a file and a hub. */
  join?: JoinFeedData;
}

/** A batch handed over and not yet confirmed taken in. */
interface InFlight {
  firstSeq: number;
  lastSeq: number;
  count: number;
  /** `posted` once this batch was posted. */
  message: number;
}

/**
 * The pipeline thread as the logging thread sees it: posts every batch and
 * line to it, reads its progress from shared counters, and, should the
 * thread die, says so once, counts what it could not deliver and tells tabs.
 */
export class PipelineClient implements Pipeline {
  readonly file: string | undefined;
  private readonly worker: Worker;
  private readonly slots: Int32Array;
  private readonly hub: HubLink | undefined;
  /** What the hub took in (`HubFeedData.progress`), or what the joined dashboard acknowledged (`JOIN_PROGRESS`). */
  private readonly hubTaken: Int32Array | undefined;
  private readonly hubTakenSlot: number;
  private readonly joinProgress: Int32Array | undefined;
  private posted = 0;
  private postedChars = 0;
  private postedSent = 0;
  private readonly inFlight: InFlight[] = [];
  private inFlightHead = 0;
  private lastOutputs: OutputStats[] = [];
  private lost = 0;
  private dead = false;
  private terminated = false;
  private ended = false;
  private flushes = 0;
  private readonly flushWaiters = new Map<number, (ok: boolean) => void>();
  private closedWaiter: (() => void) | undefined;
  private refs = 0;
  private readonly setup: PipelineSetup;

  constructor(setup: PipelineSetup) {
    this.setup = setup;
    this.file = setup.data.file;
    this.hub = setup.hub;
    const sab = new SharedArrayBuffer(4 * SLOTS);
    this.slots = new Int32Array(sab);
    this.beat();
    this.joinProgress = setup.join ? new Int32Array(setup.join.progress) : undefined;
    this.hubTaken = setup.hub ? new Int32Array(setup.hub.feed.progress) : this.joinProgress;
    this.hubTakenSlot = setup.hub ? setup.hub.feed.takenSlot : JOIN_PROGRESS.acked;
    const workerData: PipelineData = {
      ...setup.data,
      sab,
      bounds: { chars: MAX_IN_FLIGHT_WORK, sent: MAX_IN_FLIGHT_CHARS },
    };
    if (setup.hub) workerData.hub = setup.hub.feed;
    if (setup.join) workerData.join = setup.join;
    this.worker = new Worker(threadUrl(), {
      workerData,
      transferList: setup.hub ? [setup.hub.feed.port] : [],
      name: 'pulselog-pipeline',
      execArgv: threadExecArgv(),
    });
    this.worker.on('message', (message: FromPipeline) => this.onMessage(message));
    this.worker.on('error', (err) => this.died(err.message));
    this.worker.on('exit', (code) => this.died(`it exited with code ${code}`));
    // The pipeline must never keep a finished program alive; a flush or the
    // close refs it while it waits. (After the listeners: adding one refs it again.)
    this.worker.unref();
  }

  private onMessage(message: FromPipeline): void {
    switch (message.t) {
      case 'file-error':
      case 'join-error':
        process.stderr.write(`pulselog: ${message.message}\n`);
        break;
      case 'output-error':
        process.stderr.write(
          `pulselog: output '${message.name}' failed: ${message.message} (further failures are counted in stats().outputs)\n`,
        );
        break;
      case 'stats':
        this.lastOutputs = message.outputs;
        break;
      case 'flushed':
        this.lastOutputs = message.outputs;
        this.flushWaiters.get(message.id)?.(message.ok);
        break;
      case 'closed':
        this.lastOutputs = message.outputs;
        this.closedWaiter?.();
        break;
      case 'signal':
        // Taken up in time: the ending is this thread's, in order.
        Atomics.store(this.slots, SLOT.signal, 0);
        this.setup.onSignal?.(message.signal, message.handled);
        break;
      case 'signals-unwatched':
        this.setup.onSignalsUnwatched?.();
        break;
    }
  }

  /** The thread is gone without being asked to go: everything not confirmed, and everything after, is undelivered. */
  private died(reason: string): void {
    if (this.terminated || this.dead) return;
    this.dead = true;
    this.confirm();
    let count = 0;
    let from = 0;
    let to = 0;
    for (let i = this.inFlightHead; i < this.inFlight.length; i++) {
      const b = this.inFlight[i] as InFlight;
      if (count === 0) from = b.firstSeq;
      to = b.lastSeq;
      count += b.count;
    }
    this.inFlight.length = 0;
    this.inFlightHead = 0;
    this.lost += count;
    process.stderr.write(
      `pulselog: the pipeline thread stopped (${reason}); ${count} record(s) in passage were not delivered, and later records are counted as undelivered in stats()\n`,
    );
    if (count > 0) this.hub?.lost(from, to, count);
    for (const waiter of this.flushWaiters.values()) waiter(false);
    this.closedWaiter?.();
  }

  records(packed: PackedRecords, firstSeq: number, lastSeq: number, count: number): void {
    if (this.dead) {
      this.lost += count;
      this.hub?.lost(firstSeq, lastSeq, count);
      return;
    }
    this.post(packed, packed.chars, packed.sent);
    this.confirm();
    this.inFlight.push({ firstSeq, lastSeq, count, message: this.posted });
  }

  line(text: string): void {
    if (!this.dead) this.post({ t: 'line', text }, text.length, text.length);
  }

  private post(message: unknown, chars: number, sent: number): void {
    if (this.terminated) return;
    this.posted = (this.posted + 1) | 0;
    this.postedChars = (this.postedChars + chars) | 0;
    this.postedSent = (this.postedSent + sent) | 0;
    Atomics.store(this.slots, SLOT.postedChars, this.postedChars);
    Atomics.store(this.slots, SLOT.postedSent, this.postedSent);
    this.worker.postMessage(message);
  }

  /** Forgets the batches the thread has taken in. */
  private confirm(): void {
    const taken = Atomics.load(this.slots, SLOT.messages);
    const list = this.inFlight;
    while (this.inFlightHead < list.length && (((list[this.inFlightHead] as InFlight).message - taken) | 0) <= 0) {
      this.inFlightHead++;
    }
    if (this.inFlightHead > 1024 || this.inFlightHead === list.length) {
      list.splice(0, this.inFlightHead);
      this.inFlightHead = 0;
    }
  }

  private fileOpen(): boolean {
    return Atomics.load(this.slots, SLOT.state) === STATE.open;
  }

  /** True while the hub, fed with no file to hold the records, is too far behind. */
  private hubBehind(): boolean {
    if (this.hubTaken === undefined || this.fileOpen()) return false;
    const fed = Atomics.load(this.slots, SLOT.fed);
    return ((fed - Atomics.load(this.hubTaken, this.hubTakenSlot)) | 0) > MAX_HUB_BACKLOG_CHARS;
  }

  busy(): boolean {
    if (this.dead) return false;
    return (
      ((this.postedSent - Atomics.load(this.slots, SLOT.sent)) | 0) > MAX_IN_FLIGHT_CHARS ||
      ((this.postedChars - Atomics.load(this.slots, SLOT.chars)) | 0) > MAX_IN_FLIGHT_WORK ||
      this.hubBehind()
    );
  }

  private behind(): boolean {
    return ((this.posted - Atomics.load(this.slots, SLOT.messages)) | 0) > 0;
  }

  flushSync(timeoutMs: number): boolean {
    const deadline = Date.now() + timeoutMs;
    while (!this.dead && (this.behind() || this.hubBehind())) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      Atomics.wait(this.slots, SLOT.messages, Atomics.load(this.slots, SLOT.messages), Math.min(left, 20));
    }
    return !this.dead;
  }

  async flush(timeoutMs: number): Promise<boolean> {
    if (this.dead || this.terminated) return false;
    const id = ++this.flushes;
    this.post({ t: 'flush', id }, 0, 0);
    const done = new Promise<boolean>((resolve) => this.flushWaiters.set(id, resolve));
    const ok = await this.whileRefd(done, timeoutMs, false);
    this.flushWaiters.delete(id);
    return ok;
  }

  /** Keeps the thread (and so the process) alive while `promise` is pending, at most `timeoutMs`. */
  private async whileRefd<T>(promise: Promise<T>, timeoutMs: number, onTimeout: T): Promise<T> {
    if (this.refs++ === 0) this.worker.ref();
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        promise,
        new Promise<T>((resolve) => (timer = setTimeout(() => resolve(onTimeout), timeoutMs))),
      ]);
    } finally {
      clearTimeout(timer);
      if (--this.refs === 0 && !this.terminated) this.worker.unref();
    }
  }

  closeSync(end: string, timeoutMs: number): void {
    if (!this.ended) {
      this.ended = true;
      if (!this.dead) this.post({ t: 'end', text: end, timeoutMs }, end.length, end.length);
    }
    const deadline = Date.now() + timeoutMs;
    while (!this.dead && Atomics.load(this.slots, SLOT.closed) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) return;
      Atomics.wait(this.slots, SLOT.closed, 0, Math.min(left, 50));
    }
  }

  async close(end: string, timeoutMs: number): Promise<void> {
    if (!this.ended && !this.dead) {
      this.ended = true;
      const closed = new Promise<void>((resolve) => {
        this.closedWaiter = resolve;
      });
      this.post({ t: 'end', text: end, timeoutMs }, end.length, end.length);
      // The thread's own close is bounded by `timeoutMs`; a little more covers its last message.
      await this.whileRefd(closed, timeoutMs + 1000, undefined);
    }
    this.terminated = true;
    await this.worker.terminate();
  }

  outputs(): OutputStats[] {
    return this.lastOutputs;
  }

  fileErrors(): number {
    return Atomics.load(this.slots, SLOT.fileErrors);
  }

  beat(): void {
    Atomics.store(this.slots, SLOT.beat, Date.now() | 0);
  }

  signalsHandled(mask: number): void {
    Atomics.store(this.slots, SLOT.handled, mask);
  }

  fileUnwritten(): number {
    return Atomics.load(this.slots, SLOT.fileUnwritten);
  }

  undelivered(): number {
    return this.lost + (this.joinProgress ? Atomics.load(this.joinProgress, JOIN_PROGRESS.lost) : 0);
  }
}

/** The thread's module: beside this one in the built package; from the sources (under test), the built one. */
function threadUrl(): URL {
  const beside = new URL('./thread.js', import.meta.url);
  if (existsSync(fileURLToPath(beside))) return beside;
  return new URL('../../dist/pipeline/thread.js', import.meta.url);
}
