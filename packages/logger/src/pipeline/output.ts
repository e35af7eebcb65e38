/**
 * The contract of an output: where the pipeline thread sends records, in the
 * spirit of pino transports. An output is a module whose default export is a
 * factory, loaded inside the pipeline thread:
 *
 * ```js
 * // my-output.mjs
 * export default async function (options) {
 *   return {
 *     async write(batch) { await send(batch.lines.join('\n')); },
 *     async close() {},
 *   };
 * }
 * ```
 *
 * and named with `new Logger(name, { outputs: [{ target: './my-output.mjs', options }] })`.
 * Each output has its own bounded backlog: a slow one holds up nobody, and
 * past its bound its oldest batches are dropped and counted for it alone.
 * What `write` throws or rejects is counted per output in `stats()`,
 * reported once on stderr and shown in the dashboard's status.
 */
import type { LevelName, LogRecord, OutputStatus } from '@pulselog/shared';

/** A run of records as an output receives it, in ascending `seq` order. */
export interface OutputBatch {
  /** Each record's JSON line (no newline), as the session file has it. */
  readonly lines: readonly string[];
  /** The records parsed, made on first call. */
  records(): LogRecord[];
  /** Number of records. */
  readonly count: number;
  /** Sequence numbers of the first and last record. */
  readonly firstSeq: number;
  readonly lastSeq: number;
}

/** What an output module's factory returns. */
export interface Output {
  /**
   * Takes a batch. The next batch comes once a returned promise settles, so
   * an output sees its records one batch at a time, in order.
   */
  write(batch: OutputBatch): void | Promise<void>;
  /** Delivers what it holds and releases its resources, at the end of the session. */
  close?(): void | Promise<void>;
  /**
   * The output's own delivery counters (sent, retrying, spooled, dropped,
   * rejected, last error), for one that keeps records after `write` returns.
   * Read by the pipeline thread and merged into `stats().outputs`.
   */
  stats?(): OutputDeliveryStats;
}

/** What an output that delivers on its own reports through `Output.stats()`. */
export interface OutputDeliveryStats {
  /** Records the backend acknowledged. */
  sent: number;
  /** Records waiting for a retry (in memory or spooled) while the backend fails. */
  retrying: number;
  /** Records in its disk spool now. */
  spooled: number;
  /** Records it dropped (its spool full): added to the output's `dropped`. */
  dropped: number;
  /** Records the backend refused for good: added to the output's `failed`. */
  rejected: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** The last failure's message, the server's own words when it gave some. */
  lastError?: string;
}

/** What the pipeline thread tells an output's factory besides its options. */
export interface OutputContext {
  /** The output's name in `stats()` (unique within a logger). */
  name: string;
  /** The logger's name: the service the records come from. */
  service: string;
  /** The project's `.pulselog` folder, where an output may keep state (a spool). */
  stateDir: string;
}

/** The default export of an output module. */
export type OutputFactory = (options: unknown, context: OutputContext) => Output | Promise<Output>;

/** One entry of the `outputs` option. */
export interface OutputSpec {
  /**
   * The module: an absolute path, a `file:` URL, a path relative to the
   * working directory (`./out.mjs`) or a package name.
   */
  target: string;
  /** Handed to the module's factory; copied to the pipeline thread, so plain data only. */
  options?: unknown;
  /** Lowest level this output receives. Default: every record the logger keeps. */
  level?: LevelName;
  /** Name in `stats()`, messages and the dashboard. Default: the target's file or package name. */
  name?: string;
  /** Characters of lines the output may have waiting before its oldest batches are dropped. Default 256 M. */
  maxBacklogChars?: number;
}

/** Counters of one output, in `stats().outputs` and the dashboard's status. */
export type OutputStats = OutputStatus;
