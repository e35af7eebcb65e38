import type { SessionFileStatus } from '@pulselog/shared';
import { LINES_HEAD_LENGTH } from '../batch/packed.js';
import type { HubFeedMessage } from '../server/messages.js';
import type { Consumer } from './consumer.js';
import type { LineBatch } from './line-batch.js';
import type { OutputStats } from './output.js';
import type { HubFeedData } from './protocol.js';

/**
 * The dashboard hub as a consumer of the pipeline: records go to its thread
 * as frames of their lines, encoded once, their buffer moved rather than
 * copied; other lines of the session file follow in the file's order. While
 * the hub, or the file, is too far behind and a file holds the records, the
 * hub is passed over with a `skipped` note: the file comes first.
 */
export class HubFeed implements Consumer {
  private readonly taken: Int32Array;
  /** Bytes of lines passed on to the hub, wrapping like its counter. */
  fed = 0;

  /**
   * `fileHolds`: true when the session file is open, so the hub may be passed
   * over; `fileBehind`: true while the file lags the logger past its bounds.
   */
  constructor(
    private readonly data: HubFeedData,
    private readonly fileHolds: () => boolean,
    private readonly fileBehind: () => boolean,
  ) {
    this.taken = new Int32Array(data.progress);
  }

  /** True while the hub is to be passed over: a file holds the records, and it or the file is too far behind. */
  skips(): boolean {
    if (!this.fileHolds()) return false;
    return this.fileBehind() || ((this.fed - Atomics.load(this.taken, this.data.takenSlot)) | 0) > this.data.maxBehind;
  }

  /** Marks `batch` for a frame, unless the hub is to be passed over; before the file takes it. */
  claim(batch: LineBatch): void {
    batch.wantsFrame = !this.skips();
  }

  /** Moves the batch's frame to the hub (the file has written its bytes), or tells it the batch was passed over. */
  take(batch: LineBatch): void {
    if (batch.wantsFrame) {
      const frame = batch.frame();
      this.send(frame, frame.length - LINES_HEAD_LENGTH, batch.firstSeq, batch.lastSeq, batch.count);
    } else this.post({ t: 'skipped', from: batch.firstSeq, to: batch.lastSeq, count: batch.count });
  }

  async close(): Promise<void> {}

  /**
   * Moves `frame` (from `linesFrame`: it owns its whole buffer) to the hub's
   * thread; `chars` is the size of its lines, UTF-8. The frame is unusable here after.
   */
  private send(frame: Buffer, chars: number, firstSeq: number, lastSeq: number, count: number): void {
    this.fed = (this.fed + chars) | 0;
    const buffer = frame.buffer as ArrayBuffer;
    this.post({ t: 'frame', frame: buffer, chars, firstSeq, lastSeq, count }, [buffer]);
  }

  /** Any other line of the session file, as written. */
  line(text: string): void {
    this.post({ t: 'line', text });
  }

  /** The outputs' counters, for the dashboard's status. */
  outputs(outputs: OutputStats[]): void {
    this.post({ t: 'outputs', outputs });
  }

  /** How the session file's writing goes, for the dashboard's warning. */
  file(status: SessionFileStatus): void {
    this.post({ t: 'file', status });
  }

  private post(message: HubFeedMessage, transfer?: ArrayBuffer[]): void {
    this.data.port.postMessage(message, transfer ?? []);
  }
}
