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
import { formatPacked, LINES_HEAD_LENGTH, linesFrame, type PackedRecords } from '../batch/packed.js';
import { HubFeed } from './hub-feed.js';
import { LineBatch } from './line-batch.js';
import { loadOutput } from './load.js';
import type { OutputStats } from './output.js';
import { type FromPipeline, type PipelineData, SLOT, STATE, type ToPipeline } from './protocol.js';
import { OutputRunner } from './runner.js';
import { pruneSessions, SessionFile } from './session-file.js';

/** Longest gap between two `stats` messages while output counters change. */
const STATS_INTERVAL_MS = 250;

class Pipeline {
  private readonly slots: Int32Array;
  private readonly file: SessionFile | undefined;
  private readonly hub: HubFeed | undefined;
  private readonly runners: OutputRunner[];
  private statsTimer: NodeJS.Timeout | undefined;
  private fileErrorsSaid = 0;

  constructor(
    private readonly data: PipelineData,
    private readonly post: (message: FromPipeline) => void,
  ) {
    this.slots = new Int32Array(data.sab);
    if (data.file !== undefined) {
      this.file = new SessionFile(data.file);
      const error = this.file.open(data.header);
      if (error === undefined) pruneSessions(dirname(data.file), data.keepSessions, data.file);
      else {
        post({ t: 'file-error', message: `session recording is off: ${error}` });
        this.fileErrorsSaid = 1;
        Atomics.store(this.slots, SLOT.fileErrors, 1);
      }
    }
    Atomics.store(this.slots, SLOT.state, this.file?.isOpen ? STATE.open : STATE.noFile);
    if (data.hub) this.hub = new HubFeed(data.hub);
    const events = {
      failed: (name: string, message: string) => this.outputFailed(name, message),
      changed: () => this.scheduleStats(),
    };
    this.runners = data.outputs.map((spec) => new OutputRunner(spec, loadOutput(spec, data.cwd), events));
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
      this.line(message.text);
      chars = message.text.length;
      sent = chars;
    } else if (message.t === 'flush') {
      void this.flush(message.id);
      chars = 0;
      sent = 0;
    } else {
      void this.end(message.text, message.timeoutMs);
      chars = message.text.length;
      sent = chars;
    }
    Atomics.add(this.slots, SLOT.chars, chars);
    Atomics.add(this.slots, SLOT.sent, sent);
    Atomics.add(this.slots, SLOT.messages, 1);
    Atomics.notify(this.slots, SLOT.messages);
    this.noteFileErrors();
    // Outputs last: what they do (even ending the thread) cannot undo what the file and the hub have.
    if (batch !== undefined) for (const runner of this.runners) runner.take(batch);
  }

  /**
   * Records arrive packed: made into text once, for the file, the hub and
   * every output alike. Returns the batch for the outputs, if there are any.
   */
  private records(packed: PackedRecords): LineBatch | undefined {
    const st = packed.st;
    const firstSeq = st[0] as number;
    const lastSeq = st[st.length - 2] as number;
    const count = st.length / 2;
    const lines = formatPacked(packed);
    const file = this.file;
    const fileOpen = file?.isOpen === true;
    if (this.hub === undefined) {
      file?.writeText(lines);
    } else if (this.hub.shouldSkip(fileOpen, this.fileBehind())) {
      file?.writeText(lines);
      this.hub.skip(firstSeq, lastSeq, count, false);
    } else {
      // Encoded once for the file and the tabs: the hub sends these very bytes.
      const frame = linesFrame(lines);
      file?.writeBytes(frame, LINES_HEAD_LENGTH);
      this.hub.send(frame, lines.length, firstSeq, lastSeq, count);
    }
    Atomics.store(this.slots, SLOT.fed, this.hub?.fed ?? 0);
    return this.runners.length > 0 ? new LineBatch(lines, firstSeq, lastSeq, count) : undefined;
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

  private line(text: string): void {
    this.file?.writeText(text);
    this.hub?.line(text);
  }

  private async flush(id: number): Promise<void> {
    const results = await Promise.all(this.runners.map((r) => r.whenIdle(2 ** 31 - 1)));
    this.post({ t: 'flushed', id, ok: results.every(Boolean), outputs: this.outputStats() });
  }

  private async end(text: string, timeoutMs: number): Promise<void> {
    this.line(text);
    await Promise.all(this.runners.map((r) => r.close(timeoutMs)));
    this.file?.close();
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

  /** Publishes the file's write errors, and says so once on the first. */
  private noteFileErrors(): void {
    const errors = this.file?.errors ?? 0;
    if (errors === this.fileErrorsSaid) return;
    if (this.fileErrorsSaid === 0) {
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
