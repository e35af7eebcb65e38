import { LEVELS, type LevelName, type LogRecord } from '@pulselog/shared';
import { ownedFrame } from '../batch/format.js';
import { LINES_HEAD_LENGTH, lineLevel, linesFrame } from '../batch/packed.js';
import type { OutputBatch } from './output.js';

/**
 * A batch as the pipeline thread hands it to its consumers: its lines made
 * once for all of them, as a frame's bytes (what the file and the hub take),
 * read as text, split and parsed only when an output asks.
 */
export class LineBatch implements OutputBatch {
  /**
   * True when the hub takes this batch as a frame: the session file then
   * writes the frame's bytes, so that the lines are encoded once for both.
   */
  wantsFrame = false;
  private split: string[] | undefined;
  private parsed: LogRecord[] | undefined;
  private framed: Buffer | undefined;
  private lineText: string | undefined;

  /**
   * `lines`: the records' JSON lines, each followed by `\n`, as text or as
   * a frame (`linesFrame`: `LINES_HEAD`, then the lines, UTF-8).
   */
  constructor(
    lines: string | Buffer,
    readonly firstSeq: number,
    readonly lastSeq: number,
    readonly count: number,
  ) {
    if (typeof lines === 'string') this.lineText = lines;
    else this.framed = lines;
  }

  /** The records' JSON lines, each followed by `\n`. */
  get text(): string {
    this.keepText();
    return this.lineText as string;
  }

  /** Reads the lines as text now, while the frame is still here (the hub moves it away, the formatter reuses it). */
  keepText(): void {
    this.lineText ??= (this.framed as Buffer).toString('utf8', LINES_HEAD_LENGTH);
  }

  /** True when the batch's lines are bytes already: writing them costs no encoding. */
  get hasFrame(): boolean {
    return this.framed !== undefined;
  }

  /** The batch as a frame for the hub (`linesFrame`), made once. */
  frame(): Buffer {
    this.framed ??= linesFrame(this.text);
    return this.framed;
  }

  /**
   * Gives the batch a frame of its own, whose whole buffer it holds: for a
   * batch made in a buffer used again (`PackedFormatter`) that is kept past
   * this turn, or moved to another thread.
   */
  own(): void {
    if (this.framed !== undefined) this.framed = ownedFrame(this.framed);
  }

  get lines(): readonly string[] {
    if (this.split === undefined) {
      this.split = this.text.split('\n');
      // The text ends in a newline: the last piece is empty.
      this.split.pop();
    }
    return this.split;
  }

  records(): LogRecord[] {
    this.parsed ??= this.lines.map((line) => JSON.parse(line) as LogRecord);
    return this.parsed;
  }

  /** The records at `level` or above, as a batch of their own: this one when all are, `undefined` when none. */
  atLeast(level: LevelName): LineBatch | undefined {
    const min = LEVELS[level];
    const kept: string[] = [];
    for (const line of this.lines) {
      const name = lineLevel(line);
      if (name !== undefined && (LEVELS[name as LevelName] ?? 0) >= min) kept.push(line);
    }
    if (kept.length === this.count) return this;
    if (kept.length === 0) return undefined;
    const batch = new LineBatch(
      `${kept.join('\n')}\n`,
      seqOf(kept[0] as string),
      seqOf(kept[kept.length - 1] as string),
      kept.length,
    );
    batch.split = kept;
    return batch;
  }

  /** One batch of consecutive batches, for an output that fell behind: it gets them in one write. */
  static join(batches: readonly LineBatch[]): LineBatch {
    if (batches.length === 1) return batches[0] as LineBatch;
    let count = 0;
    for (const b of batches) count += b.count;
    const first = batches[0] as LineBatch;
    const last = batches[batches.length - 1] as LineBatch;
    return new LineBatch(batches.map((b) => b.text).join(''), first.firstSeq, last.lastSeq, count);
  }
}

/** The seq of a record line (`{"seq":N,…`). */
function seqOf(line: string): number {
  return Number.parseInt(line.slice(7, line.indexOf(',')), 10);
}
