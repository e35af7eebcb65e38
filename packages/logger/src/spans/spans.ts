import { DurationHistory } from './history.js';

/** Fields of a span's record. */
export type SpanFields = Record<string, unknown>;

/** How a span's record is written: the logger's own calls, so it takes the one path every record takes. */
export interface SpanSink {
  /** A finished span: `warning` carries an anomaly, else `info`. */
  record(level: 'info' | 'warning', name: string, fields: SpanFields): void;
  /** A span whose function threw. */
  failed(name: string, err: unknown, fields: SpanFields): void;
}

/**
 * Times named pieces of work and writes one record per call with
 * `fields.duration_ms` (and `fields.span`, the name), judging each against
 * the name's history (`DurationHistory`): a call far slower than usual is a
 * `warning` with `fields.anomaly` saying by how much.
 */
export class Spans {
  /**
   * @param sink where records go
   * @param histories durations by span name, shared by the spans of a logger and its children
   * @param clock milliseconds from any origin; `performance.now` unless a test sets the time
   */
  constructor(
    private readonly sink: SpanSink,
    private readonly histories: Map<string, DurationHistory> = new Map(),
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Runs `fn` as span `name`; its result or error passes through unchanged. */
  async run<T>(name: string, fn: () => T | Promise<T>, fields?: SpanFields): Promise<T> {
    const started = this.clock();
    let result: T;
    try {
      result = await fn();
    } catch (err) {
      this.sink.failed(name, err, { ...fields, span: name, duration_ms: round(this.clock() - started) });
      throw err;
    }
    this.finish(name, this.clock() - started, fields);
    return result;
  }

  /** Starts span `name` now; the function returned ends it (once: later calls do nothing). */
  start(name: string, fields?: SpanFields): (more?: SpanFields) => void {
    const started = this.clock();
    let ended = false;
    return (more) => {
      if (ended) return;
      ended = true;
      this.finish(name, this.clock() - started, more ? { ...fields, ...more } : fields);
    };
  }

  /** The kept durations of span `name`, oldest first (for tests and tools). */
  history(name: string): number[] {
    return this.histories.get(name)?.values() ?? [];
  }

  private finish(name: string, ms: number, fields: SpanFields | undefined): void {
    let history = this.histories.get(name);
    if (!history) {
      history = new DurationHistory();
      this.histories.set(name, history);
    }
    const anomaly = history.judge(ms);
    const own = { ...fields, span: name, duration_ms: round(ms) };
    if (anomaly) this.sink.record('warning', name, { ...own, anomaly });
    else this.sink.record('info', name, own);
  }
}

/** Milliseconds to the microsecond: more digits are noise. */
const round = (ms: number) => Math.round(ms * 1000) / 1000;
