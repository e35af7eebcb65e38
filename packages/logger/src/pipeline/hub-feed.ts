import type { HubFeedMessage } from '../server/messages.js';
import type { OutputStats } from './output.js';
import type { HubFeedData } from './protocol.js';

/**
 * The dashboard hub as a consumer of the pipeline: records go to its thread
 * as frames of their lines, encoded once, their buffer moved rather than
 * copied; other lines of the session file follow in the file's order. While
 * the hub, or the file, is too far behind and a file holds the records, the
 * hub is passed over with a `skipped` note: the file comes first.
 */
export class HubFeed {
  private readonly taken: Int32Array;
  /** Characters of lines passed on to the hub, wrapping like its counter. */
  fed = 0;

  constructor(private readonly data: HubFeedData) {
    this.taken = new Int32Array(data.progress);
  }

  /** True while the hub may be passed over: a file holds the records, and it or the file is too far behind. */
  shouldSkip(fileOpen: boolean, fileBehind: boolean): boolean {
    if (!fileOpen) return false;
    return fileBehind || ((this.fed - Atomics.load(this.taken, this.data.takenSlot)) | 0) > this.data.maxBehind;
  }

  /**
   * Moves `frame` (from `linesFrame`: it owns its whole buffer) to the hub's
   * thread; `chars` is the length of its lines as text. The frame is unusable here after.
   */
  send(frame: Buffer, chars: number, firstSeq: number, lastSeq: number, count: number): void {
    this.fed = (this.fed + chars) | 0;
    const buffer = frame.buffer as ArrayBuffer;
    this.post({ t: 'frame', frame: buffer, chars, firstSeq, lastSeq, count }, [buffer]);
  }

  /** Tells the hub that records were passed over; `lost` when no file holds them. */
  skip(firstSeq: number, lastSeq: number, count: number, lost: boolean): void {
    this.post({ t: 'skipped', from: firstSeq, to: lastSeq, count, lost });
  }

  /** Any other line of the session file, as written. */
  line(text: string): void {
    this.post({ t: 'line', text });
  }

  /** The outputs' counters, for the dashboard's status. */
  outputs(outputs: OutputStats[]): void {
    this.post({ t: 'outputs', outputs });
  }

  private post(message: HubFeedMessage, transfer?: ArrayBuffer[]): void {
    this.data.port.postMessage(message, transfer ?? []);
  }
}
