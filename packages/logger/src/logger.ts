import { AsyncLocalStorage } from 'node:async_hooks';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  type EndMessage,
  LEVEL_NAMES,
  LEVELS,
  type LevelName,
  PROTOCOL_VERSION,
  type SessionInfo,
} from '@pulselog/shared';
import { type LoggerOptions, type ResolvedConfig, resolveConfig } from './config.js';
import { encodeFields, encodeMessage, encodeRecord } from './encode.js';
import { serializeError } from './serialize.js';
import { DashboardSink } from './sinks/dashboard.js';
import type { Sink } from './sinks/sink.js';
import { VERSION } from './version.js';

/** Records gathered before a batch leaves without waiting for the timer. */
const BATCH_SIZE = 1024;

/** Fields given with a log call. */
export type Fields = Record<string, unknown>;

/** Counters returned by `log.stats()`. */
export interface LoggerStats {
  /** Records accepted by level calls. */
  logged: number;
  /** Records lost to queue overflow. */
  dropped: number;
  /** `dropped / logged`, 0 when nothing was logged. */
  dropRate: number;
  /** Errors thrown by sinks, by sink name. */
  sinkErrors: Record<string, number>;
  /** Connected dashboard clients, as last reported by the hub. */
  dashboardClients: number;
  /** Milliseconds since the logger was created. */
  uptimeMs: number;
}

interface ContextState {
  tag: string | undefined;
}

/** State shared by a logger and its children: one session, one queue, one set of sinks. */
class Core {
  readonly config: ResolvedConfig;
  readonly session: SessionInfo;
  readonly sinks: Sink[] = [];
  readonly dashboard: DashboardSink | undefined;
  readonly contexts = new AsyncLocalStorage<ContextState>();
  readonly root: ContextState = { tag: undefined };
  readonly sinkErrors: Record<string, number> = {};
  seq = 0;
  logged = 0;
  dropped = 0;
  pending: string[] = [];
  pendingFirstSeq = 0;
  closed = false;
  shutdownPromise: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.drain();
  private readonly onBeforeExit = () => void this.shutdown('exit');

  constructor(name: string, options: LoggerOptions | undefined) {
    this.config = resolveConfig(options);
    const startedAt = Date.now();
    this.session = {
      id: `${name}-${startedAt}-${process.pid}`,
      name,
      pid: process.pid,
      host: hostname(),
      startedAt,
      versions: { pulselog: VERSION, node: process.version, protocol: PROTOCOL_VERSION },
    };
    if (this.config.dashboard) {
      this.dashboard = new DashboardSink(this.config, this.session);
      this.sinks.push(this.dashboard);
    }
    this.timer = setInterval(() => this.drain(), this.config.flushInterval);
    // Logging must never keep a finished program alive.
    this.timer.unref();
    process.on('exit', this.onExit);
    process.on('beforeExit', this.onBeforeExit);
  }

  push(line: string, seq: number): void {
    if (this.pending.length === 0) this.pendingFirstSeq = seq;
    this.pending.push(line);
    this.logged++;
    if (this.pending.length >= BATCH_SIZE) this.drain();
  }

  /** Hands everything pending to every sink, synchronously. */
  drain(): void {
    const count = this.pending.length;
    if (count === 0) return;
    const batch = {
      lines: `${this.pending.join('\n')}\n`,
      firstSeq: this.pendingFirstSeq,
      lastSeq: this.seq,
      count,
    };
    this.pending = [];
    for (const sink of this.sinks) {
      try {
        sink.write(batch);
      } catch {
        this.sinkErrors[sink.name] = (this.sinkErrors[sink.name] ?? 0) + 1;
      }
    }
  }

  shutdown(reason: EndMessage['reason']): Promise<void> {
    this.shutdownPromise ??= (async () => {
      this.closed = true;
      clearInterval(this.timer);
      this.drain();
      process.off('exit', this.onExit);
      process.off('beforeExit', this.onBeforeExit);
      const end: EndMessage = { type: 'end', reason, at: Date.now(), lastSeq: this.seq };
      await Promise.all(this.sinks.map((sink) => sink.close(end, 5000).catch(() => {})));
    })();
    return this.shutdownPromise;
  }
}

function noop(): void {}

const kCore = Symbol('pulselog.core');

/**
 * A logger. Level calls return at once: the record is serialized and queued,
 * and a background flush hands batches to the session recorder and the
 * dashboard. A call never throws and never waits for I/O.
 *
 * @example
 * const log = new Logger('training');
 * log.info('epoch done', { epoch: 3, loss: 0.31 });
 */
export class Logger {
  /** The logger's name, shown as the session name. */
  readonly name: string;
  private readonly core: Core;
  private readonly bindings: Fields | undefined;

  constructor(name: string, options?: LoggerOptions);
  /** @internal */
  constructor(name: string, options: LoggerOptions | undefined, parent: { [kCore]: Core; bindings: Fields });
  constructor(name: string, options?: LoggerOptions, parent?: { [kCore]: Core; bindings: Fields }) {
    this.name = String(name);
    this.core = parent ? parent[kCore] : new Core(this.name, options);
    this.bindings = parent?.bindings;
    const threshold = LEVELS[this.core.config.level];
    // Disabled levels become no-ops up front, so a filtered call costs a function call and nothing more.
    const self = this as unknown as Record<string, unknown>;
    for (const level of LEVEL_NAMES) if (LEVELS[level] < threshold) self[level] = noop;
    if (LEVELS.warning < threshold) self.warn = noop;
    if (LEVELS.critical < threshold) self.fatal = noop;
    if (LEVELS.error < threshold) self.exception = noop;
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

  private write(level: LevelName, msg: unknown, fields: unknown, kind: 'divider' | undefined, err: unknown): void {
    const core = this.core;
    if (core.closed) return;
    try {
      const seq = ++core.seq;
      const ts = performance.timeOrigin + performance.now();
      const bindings = this.bindings;
      let fieldsJson: string | undefined;
      if (fields !== undefined) {
        fieldsJson = encodeFields(bindings ? { ...bindings, ...(fields as Fields) } : fields);
      } else if (bindings) {
        fieldsJson = encodeFields(bindings);
      }
      const tag = (core.contexts.getStore() ?? core.root).tag;
      const line = encodeRecord(
        seq,
        ts,
        level,
        encodeMessage(msg),
        fieldsJson,
        tag,
        kind,
        err === undefined ? undefined : serializeError(err),
      );
      core.push(line, seq);
    } catch {
      // Serialization is guarded throughout; this is the last line of defence.
      core.dropped++;
    }
  }

  /** Logs at `debug`. */
  debug(msg: unknown, fields?: Fields): void {
    this.write('debug', msg, fields, undefined, undefined);
  }

  /** Logs at `info`. */
  info(msg: unknown, fields?: Fields): void {
    this.write('info', msg, fields, undefined, undefined);
  }

  /** Logs at `warning`. */
  warning(msg: unknown, fields?: Fields): void {
    this.write('warning', msg, fields, undefined, undefined);
  }

  /** Alias of `warning`. */
  warn(msg: unknown, fields?: Fields): void {
    this.write('warning', msg, fields, undefined, undefined);
  }

  /** Logs at `error`. */
  error(msg: unknown, fields?: Fields): void {
    this.write('error', msg, fields, undefined, undefined);
  }

  /** Logs at `critical`. */
  critical(msg: unknown, fields?: Fields): void {
    this.write('critical', msg, fields, undefined, undefined);
  }

  /** Alias of `critical`. */
  fatal(msg: unknown, fields?: Fields): void {
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

  /** A logger whose records all carry `bindings` among their fields. */
  child(bindings: Fields): Logger {
    const merged = { ...this.bindings, ...bindings };
    return new Logger(this.name, undefined, { [kCore]: this.core, bindings: merged });
  }

  /** Sets the tag of the current async context (or of the root, outside any context). */
  tag(tag: string | undefined): void {
    (this.core.contexts.getStore() ?? this.core.root).tag = tag === undefined ? undefined : String(tag);
  }

  /** Runs `fn` in a new async context with its own tag. */
  context<T>(tag: string, fn: () => T): T {
    return this.core.contexts.run({ tag: String(tag) }, fn);
  }

  /** Hands everything queued to the sinks now. */
  async flush(): Promise<boolean> {
    this.core.drain();
    return true;
  }

  /** Flushes, tells the dashboard the session ended, and releases the worker. Idempotent. */
  shutdown(): Promise<void> {
    return this.core.shutdown('shutdown');
  }

  /** Counters about this logger's session. */
  stats(): LoggerStats {
    const core = this.core;
    return {
      logged: core.logged,
      dropped: core.dropped,
      dropRate: core.logged === 0 ? 0 : core.dropped / core.logged,
      sinkErrors: { ...core.sinkErrors },
      dashboardClients: core.dashboard?.stats()?.clients ?? 0,
      uptimeMs: Date.now() - core.session.startedAt,
    };
  }
}
