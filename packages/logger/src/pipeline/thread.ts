/**
 * The pipeline thread: the one place records go after the logging thread.
 *
 *   logging thread ──packed batches, lines──▶ pipeline thread
 *                                               │ formatPacked: lines, once
 *                                               ├──▶ session file   (written first, synchronously)
 *                                               ├──▶ dashboard hub  (frames of the same bytes, moved)
 *                                               └──▶ each output    (its own bounded backlog)
 *
 * Shared counters (`SLOT`) let the logging thread see progress, and wait for
 * it at exit, without its event loop.
 */
import { dirname } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { SessionFileStatus } from '@pulselog/shared';
import { formatPacked, type PackedRecords } from '../batch/packed.js';
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
  /** The outputs: they take each batch after, so nothing they do can undo what the file and the hub have. */
  private readonly runners: OutputRunner[];
  private statsTimer: NodeJS.Timeout | undefined;
  /** The file's failure as last told (stderr, counters, the hub), so each change is told once. */
  private fileTold: { errors: number; failure: string | undefined } = { errors: 0, failure: undefined };

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
    if (data.hub) {
      this.hub = new HubFeed(
        data.hub,
        () => this.file?.holds === true,
        () => this.fileBehind(),
      );
      this.first.push(this.hub);
    }
    const events = {
      failed: (name: string, message: string) => this.outputFailed(name, message),
      changed: () => this.scheduleStats(),
    };
    this.runners = data.outputs.map((spec) => new OutputRunner(spec, loadOutput(spec, data), events));
    this.noteFile();
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
    this.noteFile();
    if (batch !== undefined) for (const runner of this.runners) runner.take(batch);
  }

  /** Records arrive packed: made into text once, for the file, the hub and every output alike. */
  private records(packed: PackedRecords): LineBatch {
    const st = packed.st;
    const batch = new LineBatch(formatPacked(packed), st[0] as number, st[st.length - 2] as number, st.length / 2);
    this.hub?.claim(batch);
    for (const consumer of this.first) consumer.take(batch);
    Atomics.store(this.slots, SLOT.fed, this.hub?.fed ?? 0);
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
    const results = await Promise.all(this.runners.map((r) => r.whenIdle(2 ** 31 - 1)));
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
    if (file.isOpen) Atomics.store(this.slots, SLOT.state, file.failure === undefined ? STATE.open : STATE.failing);
    const status: SessionFileStatus = { path: file.path, errors: file.errors, unwritten: file.unwritten };
    if (file.failure !== undefined) status.failing = file.failure;
    this.hub?.file(status);
  }
}

if (parentPort) {
  const port = parentPort;
  const pipeline = new Pipeline(workerData as PipelineData, (message) => port.postMessage(message));
  port.on('message', (message: ToPipeline) => pipeline.take(message));
}
