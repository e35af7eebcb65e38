/**
 * The pipeline thread: the one place records go after the logging thread.
 *
 *   logging thread ──packed batches, lines──▶ pipeline thread
 *                                               │ PackedFormatter: lines, once, as bytes
 *                                               ├──▶ session file   (written first, synchronously)
 *                                               ├──▶ dashboard hub  (frames of the same bytes, moved)
 *                                               └──▶ each output    (its own bounded backlog)
 *
 * A logger that joined another process's dashboard (`join/`) has neither a
 * file nor a hub: its batches go to that dashboard instead (`JoinSender`),
 * and still to each of its own outputs.
 *
 * Shared counters (`SLOT`) let the logging thread see progress, and wait for
 * it at exit, without its event loop.
 */
import { dirname } from 'node:path';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { SessionFileStatus } from '@pulselog/shared';
import { PackedFormatter } from '../batch/format.js';
import type { PackedRecords } from '../batch/packed.js';
import { JoinSender } from '../join/sender.js';
import { pruneSessions } from '../sessions/retention.js';
import type { Consumer } from './consumer.js';
import { HubFeed } from './hub-feed.js';
import { Inbox } from './inbox.js';
import { LineBatch } from './line-batch.js';
import { loadOutput } from './load.js';
import type { OutputStats } from './output.js';
import { type FromPipeline, type PipelineData, SLOT, STATE, type ToPipeline } from './protocol.js';
import { OutputRunner } from './runner.js';
import { SessionFile } from './session-file.js';
import { SignalWatch, signalBit, type WatchedSignal } from './signal-watch.js';

/** How often the session file is looked for, in case its folder was deleted. */
const DELETED_CHECK_MS = 1000;
/** Longest gap between two `stats` messages while output counters change. */
const STATS_INTERVAL_MS = 250;
/**
 * How long the logging thread has to take up a signal (and end the session
 * in order) before this thread ends the process itself: the program is busy
 * in a synchronous loop. With the writing after it, a signal still ends the
 * program well within 100 ms.
 */
export const SIGNAL_GRACE_MS = 50;
/** Longest time spent writing what the logging thread posted before it got stuck, when this thread ends the process. */
const SIGNAL_DRAIN_MS = 10;
/** Flush intervals without a beat after which the logging thread counts as busy: a signal then ends the process at once. */
const BUSY_AFTER_BEATS = 3;
/** Least time without a beat for the logging thread to count as busy: timers run late on a loaded machine. */
const BUSY_AFTER_MIN_MS = 30;

class Pipeline {
  private readonly slots: Int32Array;
  /** The session file and the hub: they take each batch before the logging thread hears it was taken in. */
  private readonly first: Consumer[] = [];
  private readonly file: SessionFile | undefined;
  private readonly hub: HubFeed | undefined;
  /** The dashboard of another process or thread this logger joined, in place of the file and the hub. */
  private readonly joined: JoinSender | undefined;
  /** The outputs: they take each batch after, so nothing they do can undo what the file and the hub have. */
  private readonly runners: OutputRunner[];
  private readonly formatter = new PackedFormatter();
  private statsTimer: NodeJS.Timeout | undefined;
  private readonly signals: SignalWatch;
  private signalTimer: NodeJS.Timeout | undefined;
  /** Set once the session is ending (the end message came, or a signal ends the process here). */
  private ending = false;
  /** Seq of the last record taken in, for an end line written here. */
  private lastSeq = 0;
  /** The file's failure as last told (stderr, counters, the hub), so each change is told once. */
  private fileTold: { errors: number; failure: string | undefined } = { errors: 0, failure: undefined };

  /** `receive`: the next message already posted to this thread, if any, taken without the event loop. */
  constructor(
    private readonly data: PipelineData,
    private readonly post: (message: FromPipeline) => void,
    private readonly receive: () => ToPipeline | undefined,
  ) {
    this.slots = new Int32Array(data.sab);
    if (data.file !== undefined) {
      const file = new SessionFile(data.file);
      const error = file.open(data.header);
      if (error === undefined)
        pruneSessions(dirname(data.file), { keep: data.keepSessions, name: data.name, current: data.file });
      else post({ t: 'file-error', message: `session recording is off: ${error}` });
      this.file = file;
      this.first.push(file);
    }
    Atomics.store(this.slots, SLOT.state, this.file?.isOpen ? STATE.open : STATE.noFile);
    if (data.hub) {
      this.hub = new HubFeed(
        data.hub,
        () => this.file?.holds === true,
        () => this.fileBehind(),
      );
      this.first.push(this.hub);
    }
    if (data.join) {
      this.joined = new JoinSender(data.join, (message) => post({ t: 'join-error', message }));
      this.first.push(this.joined);
    }
    const events = {
      failed: (name: string, message: string) => this.outputFailed(name, message),
      changed: () => this.scheduleStats(),
    };
    this.runners = data.outputs.map((spec) => new OutputRunner(spec, loadOutput(spec, data), events));
    this.noteFile();
    if (this.file?.isOpen) {
      // A deleted session folder leaves writes going into a file nobody can read: looked for every second.
      setInterval(() => {
        if (this.file?.checkDeleted()) this.noteFile();
      }, DELETED_CHECK_MS).unref();
    }
    this.signals = new SignalWatch((signal) => this.signalled(signal));
    if (!this.signals.start()) post({ t: 'signals-unwatched' });
  }

  take(message: ToPipeline): void {
    let chars: number;
    let sent: number;
    let batch: LineBatch | undefined;
    if ('st' in message) {
      batch = this.records(message);
      chars = message.chars;
      sent = message.sent;
    } else if (message.t === 'line') {
      for (const consumer of this.first) consumer.line(message.text);
      chars = message.text.length;
      sent = chars;
    } else if (message.t === 'flush') {
      void this.flush(message.id);
      chars = 0;
      sent = 0;
    } else {
      // The logging thread ends the session: a signal now takes its default action.
      this.ending = true;
      this.signals.stop();
      clearTimeout(this.signalTimer);
      for (const consumer of this.first) consumer.line(message.text);
      void this.end(message.timeoutMs);
      chars = message.text.length;
      sent = chars;
    }
    Atomics.add(this.slots, SLOT.chars, chars);
    Atomics.add(this.slots, SLOT.sent, sent);
    Atomics.add(this.slots, SLOT.messages, 1);
    Atomics.notify(this.slots, SLOT.messages);
    this.noteFile();
    if (batch !== undefined) for (const runner of this.runners) runner.take(batch);
  }

  /** Records arrive packed: made into lines once, for the file, the hub and every output alike. */
  private records(packed: PackedRecords): LineBatch {
    const st = packed.st;
    const frame = this.formatter.frame(packed);
    const batch = new LineBatch(frame, st[0] as number, st[st.length - 2] as number, st.length / 2);
    this.hub?.claim(batch);
    // The formatter writes the next batch over this frame, and the hub moves its copy to its thread:
    // outputs, which read the batch later, get its lines as text now; the hub a frame of its own.
    if (this.runners.length > 0) batch.keepText();
    if (batch.wantsFrame) batch.own();
    for (const consumer of this.first) consumer.take(batch);
    Atomics.store(this.slots, SLOT.fed, (this.hub ?? this.joined)?.fed ?? 0);
    this.lastSeq = batch.lastSeq;
    return batch;
  }

  /** True while the file is behind the logging thread by more than the logger's bounds. */
  private fileBehind(): boolean {
    const s = this.slots;
    const { chars, sent } = this.data.bounds;
    return (
      ((Atomics.load(s, SLOT.postedChars) - Atomics.load(s, SLOT.chars)) | 0) > chars ||
      ((Atomics.load(s, SLOT.postedSent) - Atomics.load(s, SLOT.sent)) | 0) > sent
    );
  }

  private async flush(id: number): Promise<void> {
    const results = await Promise.all([
      ...this.runners.map((r) => r.whenIdle(2 ** 31 - 1)),
      ...(this.joined ? [this.joined.whenAcked(2 ** 31 - 1)] : []),
    ]);
    this.post({ t: 'flushed', id, ok: results.every(Boolean), outputs: this.outputStats() });
  }

  private async end(timeoutMs: number): Promise<void> {
    await Promise.all([...this.runners, ...this.first].map((consumer) => consumer.close(timeoutMs)));
    clearTimeout(this.statsTimer);
    const outputs = this.outputStats();
    if (outputs.length > 0) this.hub?.outputs(outputs);
    Atomics.store(this.slots, SLOT.closed, 1);
    Atomics.notify(this.slots, SLOT.closed);
    this.post({ t: 'closed', outputs });
  }

  /**
   * SIGINT or SIGTERM: the logging thread is told, to end the session in
   * order and raise the signal again. If its event loop has not turned for
   * a while (`loggerBusy`), if it has not taken the signal up within
   * `SIGNAL_GRACE_MS`, or if the signal comes a second time, this thread
   * ends the process; unless the program listens for the signal itself,
   * which then decides, as it would without pulselog.
   */
  private signalled(signal: WatchedSignal): void {
    if (this.ending) return;
    if (Atomics.load(this.slots, SLOT.signal) !== 0) {
      this.endProcess(signal);
      return;
    }
    Atomics.store(this.slots, SLOT.signal, signalBit(signal));
    // Whether the program listens is decided now: its listener may be gone by the time the logging thread reads this.
    const handled = (Atomics.load(this.slots, SLOT.handled) & signalBit(signal)) !== 0;
    this.post({ t: 'signal', signal, handled });
    if (this.loggerBusy()) {
      this.endProcess(signal);
      return;
    }
    clearTimeout(this.signalTimer);
    this.signalTimer = setTimeout(() => {
      if (Atomics.load(this.slots, SLOT.signal) !== 0) this.endProcess(signal);
    }, SIGNAL_GRACE_MS);
  }

  /** True when the logging thread's flush timer has not run for a while: its event loop is not turning. */
  private loggerBusy(): boolean {
    const since = ((Date.now() | 0) - Atomics.load(this.slots, SLOT.beat)) | 0;
    return since > Math.max(BUSY_AFTER_MIN_MS, BUSY_AFTER_BEATS * this.data.flushIntervalMs);
  }

  /**
   * Ends the process by `signal` from this thread, the logging thread being
   * busy: writes what it posted before (for at most `SIGNAL_DRAIN_MS`) and an
   * end line, stops watching, and raises the signal again, so the process
   * ends with the status it would have had without pulselog. Records still in
   * the logging thread's queues are lost (the README says how many at most).
   */
  private endProcess(signal: WatchedSignal): void {
    if ((Atomics.load(this.slots, SLOT.handled) & signalBit(signal)) !== 0) {
      Atomics.store(this.slots, SLOT.signal, 0);
      return;
    }
    this.ending = true;
    const deadline = Date.now() + SIGNAL_DRAIN_MS;
    for (let message = this.receive(); message !== undefined; message = this.receive()) {
      if ('st' in message || message.t === 'line') this.take(message);
      if (Date.now() > deadline) break;
    }
    const end = { type: 'end', reason: 'signal', signal, at: Date.now(), lastSeq: this.lastSeq };
    for (const consumer of this.first) consumer.line(`${JSON.stringify(end)}\n`);
    this.signals.stop();
    process.kill(process.pid, signal);
  }

  private outputFailed(name: string, message: string): void {
    this.post({ t: 'output-error', name, message });
  }

  private scheduleStats(): void {
    if (this.statsTimer !== undefined) return;
    this.statsTimer = setTimeout(() => {
      this.statsTimer = undefined;
      const outputs = this.outputStats();
      this.post({ t: 'stats', outputs });
      this.hub?.outputs(outputs);
    }, STATS_INTERVAL_MS);
  }

  private outputStats(): OutputStats[] {
    return this.runners.map((r) => ({ ...r.stats }));
  }

  /**
   * Tells a change in the file's writing: on stderr once when writes start
   * to fail and once when they work again, in the shared counters, in the
   * state (a failing file holds nothing, so the hub is never passed over for
   * it), and to the hub for the dashboard's warning.
   */
  private noteFile(): void {
    const file = this.file;
    const told = this.fileTold;
    if (file === undefined || (file.errors === told.errors && file.failure === told.failure)) return;
    if (file.failure !== undefined && told.failure === undefined) {
      this.post({
        t: 'file-error',
        message: `cannot write the session file ${file.path}: ${file.failure}; records are left out of it (counted in stats().sessionUnwritten) until writing works again, while the dashboard and outputs go on`,
      });
    } else if (file.failure === undefined && told.failure !== undefined) {
      this.post({
        t: 'file-error',
        message: `the session file ${file.path} is written again; ${file.unwritten} record(s) are missing from it, marked by a gap line`,
      });
    }
    this.fileTold = { errors: file.errors, failure: file.failure };
    Atomics.store(this.slots, SLOT.fileErrors, file.errors);
    Atomics.store(this.slots, SLOT.fileUnwritten, file.unwritten);
    Atomics.store(
      this.slots,
      SLOT.state,
      file.failure !== undefined ? STATE.failing : file.isOpen ? STATE.open : STATE.noFile,
    );
    const status: SessionFileStatus = { path: file.path, errors: file.errors, unwritten: file.unwritten };
    if (file.failure !== undefined) status.failing = file.failure;
    this.hub?.file(status);
  }
}

if (parentPort) {
  const port = parentPort;
  const inbox = new Inbox<ToPipeline>((message) => pipeline.take(message));
  const pipeline = new Pipeline(
    workerData as PipelineData,
    (message) => port.postMessage(message),
    () => inbox.next() ?? (receiveMessageOnPort(port)?.message as ToPipeline | undefined),
  );
  port.on('message', (message: ToPipeline) => inbox.push(message));
}
