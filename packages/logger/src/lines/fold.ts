/**
 * Lines into records: each line parsed (JSON, logfmt, plain text), and the
 * lines that continue a record folded into it: a Python traceback, a Node or
 * Java stack, an indented continuation. A state machine, one per stream: a
 * record stays open while lines may still fold into it, and is closed by the
 * next line that starts a record, by `flush()` (the stream went quiet) or
 * by `end()`.
 */
import { LEVELS, type LevelName } from '@pulselog/shared';
import { errorOfStack, recordOfObject } from './json.js';
import { recordOfLogfmt } from './logfmt.js';
import type { ParsedRecord } from './record.js';
import { levelOfText } from './text.js';

/** What a stream's records get when their line says nothing of a level. */
export interface FoldOptions {
  /** The level of a line that names none: `info`, `warning` for a program's stderr. */
  defaultLevel: LevelName;
}

/** Where a traceback being folded is. */
type Traceback = 'none' | 'frames' | 'after';

const TRACEBACK = 'Traceback (most recent call last):';
/** The lines Python prints between the tracebacks of a chain. */
const CHAIN_LINES = new Set([
  'During handling of the above exception, another exception occurred:',
  'The above exception was the direct cause of the following exception:',
]);
/** A Java stack's lines that are not indented: `Caused by: …`, and the suppressed ones. */
const JAVA_MORE = /^(?:Caused by: |Suppressed: )/;
/** A stack frame line, Node's or Java's (`    at f (file.js:1:2)`, `\tat a.B.c(B.java:3)`). */
const FRAME = /^\s+at\s/;

/**
 * Folds lines into records. `push` returns the record the line closed (the
 * one before it), if any; a line of its own stays open until something
 * closes it, since the next line may still continue it.
 */
export class LineFolder {
  private open: ParsedRecord | undefined;
  /** Lines folded into the open record after its first. */
  private more: string[] = [];
  private traceback: Traceback = 'none';
  /** The open record began with `Traceback …` itself (an uncaught exception): its message is the exception line. */
  private startedWithTraceback = false;

  constructor(private readonly options: FoldOptions) {}

  /** Takes one line (without its newline) read at `now` (ms since the epoch); returns the record it closed. */
  push(line: string, now: number): ParsedRecord | undefined {
    if (this.open !== undefined && this.continues(line)) {
      this.more.push(line);
      return undefined;
    }
    const closed = this.end();
    if (line === TRACEBACK) {
      this.open = this.textRecord(line, now);
      this.traceback = 'frames';
      this.startedWithTraceback = true;
      return closed;
    }
    this.open = this.parse(line, now);
    return closed;
  }

  /** Closes the open record, if any, and returns it: the stream ended or went quiet. */
  end(): ParsedRecord | undefined {
    const record = this.open;
    if (record === undefined) return undefined;
    this.open = undefined;
    if (this.more.length > 0) this.finish(record);
    this.more = [];
    this.traceback = 'none';
    this.startedWithTraceback = false;
    return record;
  }

  /** The open record, to mark; it may still change. */
  peek(): ParsedRecord | undefined {
    return this.open;
  }

  /** True when a record is open, waiting for lines that may continue it. */
  get holding(): boolean {
    return this.open !== undefined;
  }

  /** Whether `line` continues the open record, moving the traceback state along. */
  private continues(line: string): boolean {
    switch (this.traceback) {
      case 'frames':
        // After its frames, a traceback's one unindented line names the exception.
        if (!/^\s/.test(line) && line !== '') this.traceback = 'after';
        return true;
      case 'after':
        if (line === '' || CHAIN_LINES.has(line)) return true;
        if (line === TRACEBACK) {
          this.traceback = 'frames';
          return true;
        }
        this.traceback = 'none';
        return false;
      default:
        if (line === TRACEBACK) {
          this.traceback = 'frames';
          return true;
        }
        return (line.length > 0 && (line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9)) || JAVA_MORE.test(line);
    }
  }

  /** Folds the lines that continued `record` into it: a stack becomes its error, other lines its message. */
  private finish(record: ParsedRecord): void {
    // Blank lines a traceback chain left at the end belong to nothing.
    while (this.more.length > 0 && this.more.at(-1)?.trim() === '') this.more.pop();
    const more = this.more;
    const tracebackAt = more.indexOf(TRACEBACK);
    const isStack = this.startedWithTraceback || tracebackAt >= 0 || more.some((line) => FRAME.test(line));
    if (!isStack) {
      record.msg = `${record.msg}\n${more.join('\n')}`;
      return;
    }
    const stackLines = this.startedWithTraceback
      ? [record.msg, ...more]
      : tracebackAt >= 0
        ? more.slice(tracebackAt)
        : [record.msg, ...more];
    if (record.err === undefined) record.err = errorOfStack(stackLines.join('\n'));
    else record.err.stack ??= stackLines.join('\n');
    if (this.startedWithTraceback) {
      const err = record.err;
      record.msg = err.message === '' ? err.name : `${err.name}: ${err.message}`;
    } else if (tracebackAt > 0) {
      // Lines between the message and the traceback (a `logging.exception` message of several lines) stay in the message.
      record.msg = `${record.msg}\n${more.slice(0, tracebackAt).join('\n')}`;
    }
    if (!record.levelGiven && LEVELS[record.level] < LEVELS.error) record.level = 'error';
  }

  private parse(line: string, now: number): ParsedRecord {
    const first = line.charCodeAt(0);
    if (first === 123 /* { */ && line.charCodeAt(line.length - 1) === 125 /* } */) {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        value = undefined;
      }
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
        return this.atLeastDefault(recordOfObject(value as Record<string, unknown>, now));
      }
    } else if (line.includes('=')) {
      const record = recordOfLogfmt(line, now);
      if (record !== undefined) return this.atLeastDefault(record);
    }
    return this.textRecord(line, now);
  }

  /** A record whose line named no level gets the stream's default, or the error level an error gave it. */
  private atLeastDefault(record: ParsedRecord): ParsedRecord {
    const fallback = this.options.defaultLevel;
    if (!record.levelGiven && LEVELS[record.level] < LEVELS[fallback]) record.level = fallback;
    return record;
  }

  private textRecord(line: string, now: number): ParsedRecord {
    const level = levelOfText(line);
    return {
      time: now,
      level: level ?? this.options.defaultLevel,
      levelGiven: level !== undefined,
      msg: line,
      fields: undefined,
      err: undefined,
    };
  }
}
