import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Checkpoint,
  LEVEL_NAMES,
  LEVELS,
  type LevelName,
  normalizeLevel,
  type SessionInfo,
} from '@pulselog/shared';
import { captureConsole } from './capture-console.js';
import { sharedStoreNote } from './checkpoints/layout.js';
import { checkMeta, checkName } from './checkpoints/validate.js';
import { type LoggerOptions, type ResolvedConfig, resolveConfig } from './config.js';
import { Core, LEVEL_SLOTS, type QueueStats } from './core/core.js';
import { isError, readCallArgs } from './encode/call-args.js';
import { joinObjects } from './encode/json.js';
import { PulselogError } from './errors.js';
import { INGEST, type Ingest, ingestInto } from './ingest.js';
import { collectMetrics } from './metrics/collect.js';
import { MetricsPort } from './metrics/port.js';
import type { OutputSpec, OutputStats } from './pipeline/output.js';
import { resolveOutputs, withPretty } from './pipeline/outputs-config.js';
import type { Pipeline } from './pipeline/pipeline.js';
import type { Redactor } from './redact/redactor.js';
import { safeString, truncate } from './serialize.js';
import type { DurationHistory } from './spans/history.js';
import { Spans } from './spans/spans.js';
import { projectToken } from './token.js';

export type { CheckpointMeta } from './checkpoints/validate.js';
export type { QueueStats } from './core/core.js';

/** Fields given with a log call. */
export type Fields = Record<string, unknown>;

/** A level call's second argument: the fields, or in pino's order the message, or an error to record. */
export type FieldsOrMessage = Fields | Error | string;

/** Everything `new Logger(name, setup)` accepts: the settings, plus outputs. */
export interface LoggerSetup extends LoggerOptions {
  /**
   * More places for records to go, each a module loaded in the pipeline
   * thread (see `Output`); the session file and the dashboard are built in.
   */
  outputs?: readonly OutputSpec[];
}

/** Key of `LoggerSetup` under which tests of the core's own logic hand it a pipeline in memory. */
export const PIPELINE_FOR_TESTS = Symbol('pulselog.pipelineForTests');

/** What `log.context()` takes: a tag, or a tag with fields added to every record of the context. */
export type ContextSpec = string | ({ tag?: string } & Fields);

/** Counters returned by `log.stats()`. */
export interface LoggerStats {
  /** Records accepted by level calls. */
  logged: number;
  /** Records lost: queue overflow, a value that could not be encoded, calls after shutdown. */
  dropped: number;
  /** `dropped / logged`, 0 when nothing was logged. */
  dropRate: number;
  /**
   * Values the serializer's limits cut, each marked where it was in the
   * record: the rest of a value past its budget (`[over budget]`), keys past
   * 1 KiB and strings past `maxStringLength` (`…[truncated, N chars]`).
   */
  cut: number;
  /** The root queue and every context queue holding records, with their fill. */
  queues: QueueStats[];
  /** Checkpoints saved by this process. */
  checkpointsSaved: number;
  /** Each output's counters: written, failed, dropped from its backlog, waiting, errors. */
  outputs: OutputStats[];
  /** Failed writes of the session file (a full disk, say; the first of each run of them also makes a stderr line). */
  sessionErrors: number;
  /** Records left out of the session file for failed writes; the file marks each run of them with a gap line. */
  sessionUnwritten: number;
  /** Records handed to the pipeline that it could not deliver anywhere: its thread died. */
  undelivered: number;
  /** Saves, removals and reads of checkpoints that failed for the file system (each run of failures also makes a stderr line). */
  checkpointErrors: number;
  /** Damaged lines or data skipped in the checkpoint store (each reported on stderr). */
  checkpointDamaged: number;
  /** Connected dashboard clients, as last reported by the hub. */
  dashboardClients: number;
  /**
   * Records the dashboard was passed over for while it could not keep up, as
   * last reported by the hub: they are in the session file, and tabs show a
   * `skipped` gap in their place.
   */
  dashboardSkipped: number;
  /** The session file being written, when recording is on. */
  sessionFile: string | undefined;
  /** Milliseconds since the logger was created. */
  uptimeMs: number;
}

function noop(): void {}

/** A message as the `redact` settings let it leave: one that is not a string is written as JSON, so the paths apply to it as to fields. */
function redactedMessage(redactor: Redactor, msg: unknown): unknown {
  return typeof msg === 'string' ? redactor.text(msg) : redactor.redact(msg);
}

/** Longest tag kept: a tag is repeated on every record of its context. */
const MAX_TAG_LENGTH = 200;

function tagText(value: unknown): string {
  return truncate(safeString(value), MAX_TAG_LENGTH);
}

const kCore = Symbol('pulselog.core');
interface Parent {
  [kCore]: Core;
  bindingsJson: string | undefined;
  level: LevelName;
}

/** The level methods whose no-op stands in while their level is off, and the level each logs at. */
const LEVEL_METHODS: ReadonlyArray<readonly [string, LevelName]> = [
  ...LEVEL_NAMES.map((level) => [level, level] as const),
  ['warn', 'warning'],
  ['fatal', 'critical'],
  ['exception', 'error'],
];

/**
 * A logger. Level calls return at once: the record is serialized (so it shows
 * the values at the moment of the call) and queued in the current async
 * context's queue; full batches and a background flush hand it to the
 * pipeline thread, which writes the session file and feeds the dashboard and
 * every output. A call never throws (unless
 * `overflow: 'raise'` is asked for) and never waits for I/O.
 *
 * @example
 * const log = new Logger('training');
 * log.info('epoch done', { epoch: 3, loss: 0.31 });
 */
/** Span durations by core: a logger and its children judge a name against one history. */
const SPAN_HISTORIES = new WeakMap<Core, Map<string, DurationHistory>>();

export class Logger {
  /** The logger's name, shown as the session name. */
  readonly name: string;
  private readonly core: Core;
  private readonly bindingsJson: string | undefined;
  /** Times spans (`span`, `time`); made at the first. */
  private spanTimer: Spans | undefined;
  /** The lowest level recorded now (see `level`). */
  private threshold: LevelName;
  /** Puts the console back, when `captureConsole` took it. */
  private releaseConsole: (() => void) | undefined;

  constructor(name: string, setup?: LoggerSetup);
  /** @internal */
  constructor(name: string, setup: LoggerSetup | undefined, parent: Parent);
  constructor(name: string, setup?: LoggerSetup, parent?: Parent) {
    this.name = String(name);
    if (parent) {
      this.core = parent[kCore];
      this.bindingsJson = parent.bindingsJson;
      this.threshold = parent.level;
    } else {
      const {
        outputs,
        [PIPELINE_FOR_TESTS]: pipeline,
        ...options
      } = (setup ?? {}) as LoggerSetup & {
        [PIPELINE_FOR_TESTS]?: Pipeline;
      };
      const config = resolveConfig(options, { name: this.name });
      this.core = new Core(
        this.name,
        config,
        withPretty(resolveOutputs(outputs, process.cwd()), config.pretty, config.prettyColor),
        pipeline,
      );
      this.core.onUncaught = (err, origin) =>
        this.write(
          'critical',
          origin === 'unhandledRejection' ? 'unhandled rejection' : 'uncaught exception',
          { origin },
          undefined,
          err,
        );
      this.announceCheckpoints();
      if (this.core.dashboard) this.core.dashboard.onIngest = this[INGEST]('otlp');
      this.threshold = this.core.config.level;
      this.serveMetrics();
      if (this.core.dashboard) this.core.dashboard.ingestFor = (source) => this[INGEST](source);
    }
    this.applyLevel();
    // After the no-ops: a console call below the level prints, and makes no record.
    if (!parent && this.core.config.captureConsole) this.releaseConsole = captureConsole(this);
  }

  /**
   * Disabled levels become no-ops, so a filtered call costs a function call
   * and nothing more; enabled ones the prototype's method. Every method is
   * set either way, so a logger keeps one shape whatever its level.
   */
  private applyLevel(): void {
    const threshold = LEVELS[this.threshold];
    const self = this as unknown as Record<string, unknown>;
    const proto = Logger.prototype as unknown as Record<string, unknown>;
    for (const [method, level] of LEVEL_METHODS) self[method] = LEVELS[level] < threshold ? noop : proto[method];
  }

  /**
   * The lowest level recorded. Setting it takes effect from the next call
   * (children made before keep theirs, as in pino); calls below it cost a
   * function call. Takes a level name or `warn`/`fatal`, in any case; throws
   * a `PulselogError` for anything else.
   *
   * @example
   * log.level = 'trace';
   */
  get level(): LevelName {
    return this.threshold;
  }

  set level(value: LevelName | 'warn' | 'fatal') {
    const level = typeof value === 'string' ? normalizeLevel(value) : undefined;
    if (level === undefined) {
      throw new PulselogError(
        'PULSELOG_ERR_CONFIG',
        `log.level must be one of ${LEVEL_NAMES.join(', ')} (or warn, fatal), not ${safeString(value)}`,
      );
    }
    this.threshold = level;
    this.applyLevel();
  }

  /** True when a call at `level` (a level name, `warn` or `fatal`) would be recorded now; false for an unknown name. */
  isLevelEnabled(level: string): boolean {
    const name = typeof level === 'string' ? normalizeLevel(level) : undefined;
    return name !== undefined && LEVELS[name] >= LEVELS[this.threshold];
  }

  /** Answers `/metrics` on the dashboard, and starts the `metricsPort` server when one is set. */
  private serveMetrics(): void {
    const core = this.core;
    const snapshot = () =>
      collectMetrics({
        service: this.name,
        logged: core.logged,
        ingested: core.ingested,
        dropReasons: core.drops.reasons,
        stats: this.stats(),
        queueCapacity: core.config.queueSize,
        checkpointProgress: () => core.openedCheckpoints?.progress() ?? [],
      });
    const dashboard = core.dashboard;
    if (dashboard) {
      dashboard.onMetricsWanted = () =>
        void snapshot().then(
          (s) => dashboard.sendMetrics(s),
          () => {},
        );
    }
    const port = core.config.metricsPort;
    if (port !== undefined) {
      const { host, token, projectDir } = core.config;
      core.metricsServer = new MetricsPort({ host, port, token: token ?? projectToken(projectDir) }, snapshot);
    }
  }

  /** Shows checkpoints kept from earlier runs on the dashboard and in the session file. */
  private announceCheckpoints(): void {
    const note = sharedStoreNote(this.core.config, this.name);
    if (note) process.stderr.write(note);
    if (!existsSync(join(this.core.config.checkpointPath, 'checkpoints.log'))) return;
    for (const checkpoint of this.core.checkpoints.all()) {
      this.core.checkpoint({ type: 'checkpoint', op: 'upsert', checkpoint });
    }
  }

  /** Resolved configuration, frozen. */
  get config(): ResolvedConfig {
    return this.core.config;
  }

  /** The session this logger records into. */
  get session(): SessionInfo {
    return this.core.session;
  }

  /** Resolves with the dashboard URL (token included) once it listens, or `undefined` when there is none. */
  dashboardUrl(): Promise<string | undefined> {
    return this.core.dashboard ? this.core.dashboard.ready : Promise.resolve(undefined);
  }

  /** Resolves with the `metricsPort` server's scrape URL once it listens, or `undefined` when there is none. */
  metricsUrl(): Promise<string | undefined> {
    return this.core.metricsServer ? this.core.metricsServer.ready : Promise.resolve(undefined);
  }

  /** Every level call: find the context, encode, push, count. */
  private write(level: LevelName, msg: unknown, fields: unknown, kind: 'divider' | undefined, err: unknown): void {
    const core = this.core;
    if (core.closed) {
      core.drops.refused();
      return;
    }
    // The usual `(message, fields)` pays these two checks; pino's orders are read apart.
    if ((typeof msg !== 'string' || isError(fields)) && err === undefined && kind === undefined) {
      const args = readCallArgs(msg, fields);
      msg = args.msg;
      fields = args.fields;
      err = args.err;
    }
    const state = core.contextsUsed ? (core.contexts.getStore() ?? core.root) : core.root;
    const queue = state.queue;
    if (queue.size >= queue.capacity && !core.makeRoom(queue)) return;
    // The encoder redacts the fields as it reads them.
    if (core.redactor !== undefined) msg = redactedMessage(core.redactor, msg);
    const encoder = core.encoder;
    const entry = encoder.encode(level, msg, fields, kind, err, this.bindingsJson, state);
    // Numbered once encoded: a getter or `toString` that logs while this
    // record is being encoded gets the earlier number, so each queue stays in order.
    const seq = ++core.seq;
    const slot = LEVEL_SLOTS[level];
    core.logged[slot] = (core.logged[slot] as number) + 1;
    if (entry === undefined) {
      core.drops.lost(seq, 'unencodable');
      return;
    }
    core.queued(
      queue,
      typeof entry === 'string'
        ? queue.push(entry, seq, encoder.time)
        : queue.pushTemplate(entry, seq, encoder.time, encoder.capture),
    );
  }

  /** `value` as the `redact` settings let it leave: itself when none are set. */
  private redacted<T>(value: T): T {
    const redactor = this.core.redactor;
    return redactor === undefined ? value : redactor.redact(value);
  }

  /** @internal Queues records made elsewhere, with their own times, in context `label` (see `ingest.ts`). */
  [INGEST](label: string): Ingest {
    return ingestInto(this.core, label);
  }

  /**
   * Logs at `trace`, below `debug` (off unless `level` is `trace`). Each level
   * call takes `(msg, fields)`, or pino's orders: `(fields, msg)`,
   * `(err, msg)`, `({ err, ...fields }, msg)`, and `(msg, err)`; an `Error`
   * is recorded with its stack and cause chain, as `exception()` does.
   */
  trace(msg: unknown, fields?: FieldsOrMessage): void {
    this.write('trace', msg, fields, undefined, undefined);
  }

  /** Logs at `debug`. */
  debug(msg: unknown, fields?: FieldsOrMessage): void {
    this.write('debug', msg, fields, undefined, undefined);
  }

  /**
   * Logs at `info`.
   *
   * @example
   * log.info('request done', { user_id: 7 });
   * log.info({ user_id: 7 }, 'request done'); // pino's order
   */
  info(msg: unknown, fields?: FieldsOrMessage): void {
    this.write('info', msg, fields, undefined, undefined);
  }

  /** Logs at `warning`. */
  warning(msg: unknown, fields?: FieldsOrMessage): void {
    this.write('warning', msg, fields, undefined, undefined);
  }

  /** Alias of `warning`. */
  warn(msg: unknown, fields?: FieldsOrMessage): void {
    this.write('warning', msg, fields, undefined, undefined);
  }

  /**
   * Logs at `error`.
   *
   * @example
   * log.error(err, 'upload failed'); // or log.error({ err, file }, 'upload failed'), log.error('upload failed', err)
   */
  error(msg: unknown, fields?: FieldsOrMessage): void {
    this.write('error', msg, fields, undefined, undefined);
  }

  /** Logs at `critical`. */
  critical(msg: unknown, fields?: FieldsOrMessage): void {
    this.write('critical', msg, fields, undefined, undefined);
  }

  /** Alias of `critical`. */
  fatal(msg: unknown, fields?: FieldsOrMessage): void {
    this.write('critical', msg, fields, undefined, undefined);
  }

  /** Logs an error at `error` level with its name, message, stack and cause chain. */
  exception(msg: unknown, err: unknown, fields?: Fields): void {
    this.write('error', msg, fields, undefined, err);
  }

  /** Draws a separator across the dashboard's list, with an optional label. */
  divider(label = ''): void {
    this.write('info', label, undefined, 'divider', undefined);
  }

  /**
   * Runs `fn` (sync or async) as a span called `name` and writes one record
   * for it: `info` with `fields.span` and `fields.duration_ms`, or an error
   * record (`exception`) when `fn` throws, whose error then passes through.
   * Once a name has 20 calls behind it, a call far slower than its usual time
   * (a median and MAD test) is a `warning` with `fields.anomaly` saying why,
   * e.g. `412 ms, 9.8x the median of 57 calls`.
   */
  span<T>(name: string, fn: () => T | Promise<T>, fields?: Fields): Promise<T> {
    return this.spans.run(String(name), fn, fields);
  }

  /**
   * Starts timing `name`; call the function returned when the work is done,
   * with fields to add, and it writes the record `span` would. Ends once.
   */
  time(name: string, fields?: Fields): (fields?: Fields) => void {
    return this.spans.start(String(name), fields);
  }

  /** This logger's span timer, made at its first span, judging against its core's history. */
  private get spans(): Spans {
    if (!this.spanTimer) {
      let histories = SPAN_HISTORIES.get(this.core);
      if (!histories) {
        histories = new Map();
        SPAN_HISTORIES.set(this.core, histories);
      }
      this.spanTimer = new Spans(
        {
          record: (level, name, fields) => this.write(level, name, fields, undefined, undefined),
          failed: (name, err, fields) => this.write('error', `${name} failed`, fields, undefined, err),
        },
        histories,
      );
    }
    return this.spanTimer;
  }

  /** A logger whose records all carry `bindings` (as they are now) among their fields. */
  child(bindings: Fields): Logger {
    return new Logger(this.name, undefined, {
      [kCore]: this.core,
      bindingsJson: joinObjects(this.bindingsJson, this.core.encoder.encodeFields(this.redacted(bindings))),
      level: this.threshold,
    });
  }

  /** Sets the tag of the current async context (or of the root, outside any context). */
  tag(tag: string | undefined): void {
    const state = this.core.contexts.getStore() ?? this.core.root;
    state.tag = tag === undefined || tag === null ? undefined : tagText(tag);
    state.queue.label = state.tag ?? (state === this.core.root ? 'root' : 'context');
  }

  /**
   * Runs `fn` in a new async context with its own tag, fields and queue.
   * Records logged anywhere inside it (across `await`s) carry them; concurrent
   * contexts keep theirs apart. A nested context inherits the tag and fields
   * of the one around it.
   *
   * @example
   * await log.context('validation', async () => { log.info('started'); });
   * await log.context({ tag: 'request', request_id: 42 }, handle);
   */
  context<T>(spec: ContextSpec, fn: () => T): T {
    const core = this.core;
    const outer = core.contexts.getStore() ?? core.root;
    let tag = outer.tag;
    let fieldsJson = outer.fieldsJson;
    try {
      if (typeof spec === 'object' && spec !== null) {
        const { tag: own, ...fields } = spec;
        if (own !== undefined) tag = tagText(own);
        if (Object.keys(fields).length > 0) {
          fieldsJson = joinObjects(fieldsJson, core.encoder.encodeFields(this.redacted(fields)));
        }
      } else if (spec !== undefined) {
        tag = tagText(spec);
      }
    } catch {
      // An exotic spec (a revoked Proxy, say) still gets its own context, with what could be read.
    }
    core.contextsUsed = true;
    return core.contexts.run(core.newContext(tag, fieldsJson), fn);
  }

  /**
   * Saves a named checkpoint durably (it survives restarts and crashes) and
   * shows it on the dashboard. Throws a `PulselogError` for a bad name, status
   * or progress; the data may be anything and is stored as it is now.
   */
  save(
    name: string,
    data: unknown,
    meta?: { status?: Checkpoint['status']; note?: string; progress?: number },
  ): Checkpoint {
    const checkedName = checkName(name);
    const checkedMeta = checkMeta(checkedName, meta);
    const checkpoint = this.core.checkpoints.save(
      checkedName,
      this.core.encoder.values.value(this.redacted(data)),
      checkedMeta,
    );
    this.core.checkpoint({ type: 'checkpoint', op: 'upsert', checkpoint });
    return checkpoint;
  }

  /** The data of the checkpoint saved under `name` (a fresh copy), or `undefined`. Never throws. */
  load(name: string): unknown {
    try {
      return typeof name === 'string' ? this.core.checkpoints.get(name)?.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Names of the saved checkpoints, most recently saved first. */
  checkpoints(): string[] {
    return this.core.checkpoints.names();
  }

  /** Removes a checkpoint; false when there was none by that name. */
  deleteCheckpoint(name: string): boolean {
    if (typeof name !== 'string' || !this.core.checkpoints.delete(name)) return false;
    this.core.checkpoint({ type: 'checkpoint', op: 'delete', name });
    return true;
  }

  /** Hands everything queued to the pipeline and waits until the session file and every output have it; true when all did in time. */
  flush(options: { timeout?: number } = {}): Promise<boolean> {
    return this.core.flush(options.timeout ?? 5000);
  }

  /**
   * Flushes, ends the session file, tells the dashboard the session ended
   * (it lingers for a tab to catch up) and releases the threads. Idempotent;
   * runs by itself when the program ends.
   */
  shutdown(): Promise<void> {
    this.releaseConsole?.();
    return this.core.shutdown('shutdown');
  }

  /** Counters about this logger's session. */
  stats(): LoggerStats {
    const core = this.core;
    const logged = core.seq;
    return {
      logged,
      dropped: core.drops.count,
      dropRate: logged === 0 ? 0 : core.drops.count / logged,
      cut: core.encoder.values.cuts,
      queues: core.queueStats(),
      checkpointsSaved: core.checkpointsSaved,
      checkpointErrors: core.checkpoints.errors,
      checkpointDamaged: core.checkpoints.damaged,
      outputs: core.pipeline.outputs(),
      sessionErrors: core.pipeline.fileErrors(),
      sessionUnwritten: core.pipeline.fileUnwritten(),
      undelivered: core.pipeline.undelivered(),
      dashboardClients: core.dashboard?.stats()?.clients ?? 0,
      dashboardSkipped: core.dashboard?.stats()?.skipped ?? 0,
      sessionFile: core.pipeline.file,
      uptimeMs: Date.now() - core.session.startedAt,
    };
  }
}
