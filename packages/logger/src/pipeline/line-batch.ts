import { LEVELS, type LevelName, type LogRecord } from '@pulselog/shared';
import { lineLevel, linesFrame } from '../batch/packed.js';
import type { OutputBatch } from './output.js';

/**
 * A batch as the pipeline thread hands it to outputs: the text of its lines,
 * made once for every consumer, split and parsed only when an output asks.
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

  /** `text`: the records' JSON lines, each followed by `\n`. */
  constructor(
    readonly text: string,
    readonly firstSeq: number,
    readonly lastSeq: number,
    readonly count: number,
  ) {}

  /** The batch as a frame for the hub (`linesFrame`), made once. */
  frame(): Buffer {
    this.framed ??= linesFrame(this.text);
    return this.framed;
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

/** Matches at the start of any text; running it flattens the text first (a regular expression reads a string whole). */
const START = /^/;

/**
 * `text` as one string in memory. V8 keeps a string built by `+=` as a tree
 * of its pieces, several heap objects a record, until something reads it
 * whole; the session file does at once, but without one (outputs alone) a
 * batch waiting in an output's backlog carried its tree through every
 * garbage collection: about a sixth of the process's CPU time per record,
 * on the OTLP benchmark.
 */
export function flatText(text: string): string {
  START.test(text);
  return text;
}

/** The seq of a record line (`{"seq":N,…`). */
function seqOf(line: string): number {
  return Number.parseInt(line.slice(7, line.indexOf(',')), 10);
}
