/**
 * The pipeline thread: the one place records go after the logging thread.
 *
 *   logging thread ──packed batches, lines──▶ pipeline thread
 *                                               │ formatPacked: lines, once
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
import { parentPort, workerData } from 'node:worker_threads';
import { formatPacked, type PackedRecords } from '../batch/packed.js';
import { JoinSender } from '../join/sender.js';
import { pruneSessions } from '../sessions/retention.js';
import type { Consumer } from './consumer.js';
import { HubFeed } from './hub-feed.js';
import { LineBatch } from './line-batch.js';
import { loadOutput } from './load.js';
import type { OutputStats } from './output.js';
import { type FromPipeline, type PipelineData, SLOT, STATE, type ToPipeline } from './protocol.js';
import { OutputRunner } from './runner.js';
import { SessionFile } from './session-file.js';

/** Longest gap between two `stats` messages while output counters change. */
const STATS_INTERVAL_MS = 250;

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
  private statsTimer: NodeJS.Timeout | undefined;
  private fileErrorsSaid = 0;

  constructor(
    private readonly data: PipelineData,
    private readonly post: (message: FromPipeline) => void,
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
    this.noteFileErrors(false);
    if (data.hub) {
      this.hub = new HubFeed(
        data.hub,
        () => this.file?.isOpen === true,
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
      for (const consumer of this.first) consumer.line(message.text);
      void this.end(message.timeoutMs);
      chars = message.text.length;
      sent = chars;
    }
    Atomics.add(this.slots, SLOT.chars, chars);
    Atomics.add(this.slots, SLOT.sent, sent);
    Atomics.add(this.slots, SLOT.messages, 1);
    Atomics.notify(this.slots, SLOT.messages);
    this.noteFileErrors(true);
    if (batch !== undefined) for (const runner of this.runners) runner.take(batch);
  }

  /** Records arrive packed: made into text once, for the file, the hub and every output alike. */
  private records(packed: PackedRecords): LineBatch {
    const st = packed.st;
    const batch = new LineBatch(formatPacked(packed), st[0] as number, st[st.length - 2] as number, st.length / 2);
    this.hub?.claim(batch);
    for (const consumer of this.first) consumer.take(batch);
    Atomics.store(this.slots, SLOT.fed, (this.hub ?? this.joined)?.fed ?? 0);
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

  /** Publishes the file's write errors, and says so once on the first failed write (`say`; its opening says so itself). */
  private noteFileErrors(say: boolean): void {
    const errors = this.file?.errors ?? 0;
    if (errors === this.fileErrorsSaid) return;
    if (this.fileErrorsSaid === 0 && say) {
      this.post({ t: 'file-error', message: `writing ${this.data.file} failed; failures are counted in stats()` });
    }
    this.fileErrorsSaid = errors;
    Atomics.store(this.slots, SLOT.fileErrors, errors);
  }
}

if (parentPort) {
  const port = parentPort;
  const pipeline = new Pipeline(workerData as PipelineData, (message) => port.postMessage(message));
  port.on('message', (message: ToPipeline) => pipeline.take(message));
}
