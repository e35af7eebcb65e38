import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { type LevelName, normalizeLevel } from '@pulselog/shared';
import { parse as parseToml } from 'smol-toml';
import { PulselogError } from './errors.js';
import { parseJoinAddress } from './join/address.js';
import { parsePath } from './redact/paths.js';
import { compileValuePatterns, type ValuePatterns } from './redact/patterns.js';
import { DEFAULT_MAX_STRING_LENGTH } from './serialize.js';

/** What to do when a context's queue is full. */
export type OverflowPolicy = 'drop' | 'block' | 'raise';

/** Options accepted by `new Logger(name, options)`; each may also come from the environment or `pulselog.toml`. */
export interface LoggerOptions {
  /** Lowest level recorded. Default `debug`. */
  level?: LevelName | 'warn' | 'fatal';
  /** Serve the live dashboard. Default on, off when `CI` is set. */
  dashboard?: boolean;
  /** Address the dashboard binds. Default `127.0.0.1`. */
  host?: string;
  /** First port tried for the dashboard; the next free one up to +20 is used. Default 5678. */
  port?: number;
  /** Open the dashboard in the default browser. Default on (never in CI or without a display). */
  open?: boolean;
  /** Dashboard access token; by default one is made and kept in `.pulselog/token`. */
  token?: string;
  /** Milliseconds between background flushes. Default 10. */
  flushInterval?: number;
  /**
   * Folder checkpoints are kept in. Default `.pulselog/checkpoints`. Each
   * logger name has its own store in it (`<folder>/<name>/checkpoints.log`)
   * unless `sharedCheckpoints` is set.
   */
  checkpointPath?: string;
  /**
   * One checkpoint store for every logger of the project,
   * `<checkpointPath>/checkpoints.log` (where earlier versions kept
   * them all). Default off: a logger sees only its own name's checkpoints.
   */
  sharedCheckpoints?: boolean;
  /** Folder for session recordings, or `false` for none. Default `.pulselog/sessions`. */
  sessionDir?: string | false;
  /** Number of session recordings kept. Default 20. */
  keepSessions?: number;
  /** Records each async context may hold before overflow applies. Default 100,000. */
  queueSize?: number;
  /** What a full queue does. Default `drop`. */
  overflow?: OverflowPolicy;
  /**
   * Milliseconds a finished script waits for a dashboard tab to receive its
   * records, when it opened the browser or a tab has connected; 0 disables. Default 5000.
   */
  linger?: number;
  /** Most records the dashboard keeps for tabs that connect late or fall behind. Default 1,000,000. */
  replayRecords?: number;
  /** Most bytes of records the dashboard keeps for replay. Default 256 MB. */
  replayBytes?: number;
  /** Paths whose values leave as `[redacted]`: `password`, `headers.authorization`, `*.secret`, `**.token`. Default none. */
  redact?: readonly string[];
  /** Redact by value: `true` for bearer tokens, AWS keys and private-key blocks, or patterns of your own. Default off. */
  redactValues?: ValuePatterns;
  /** Strings up to this length are kept whole; longer ones are cut with a marker. Default 16 MiB. */
  maxStringLength?: number;
  /** Largest OTLP/HTTP body the dashboard takes on `POST /v1/logs`, sent or unpacked. Default 64 MiB. */
  otlpMaxBytes?: number;
  /** Make `console.log`, `info`, `debug`, `warn`, `error` and `trace` records too (they still print). Default off. */
  captureConsole?: boolean;
  /** Add the active OpenTelemetry span's `trace_id`, `span_id` and `trace_flags` to records, when `@opentelemetry/api` is installed. Default on. */
  traceContext?: boolean;
  /**
   * Print each record as a coloured, human line on stderr (the `pretty`
   * output). Default on when stderr is a terminal, unless `captureConsole`
   * is on (the console prints those lines already).
   */
  pretty?: boolean;
  /**
   * Serve Prometheus metrics (`GET /metrics`, token required) on this port of
   * `host` as well, with or without the dashboard (which serves them too). Default off.
   */
  metricsPort?: number;
  /** Sample the process's health (CPU, memory, event-loop delay, GC, handles) once a second. Default on. */
  health?: boolean;
  /** Sample the main thread's stack with the inspector's profiler and write a `.cpuprofile`. Default off. */
  profile?: boolean;
  /**
   * The dashboard to send records to instead of opening one: set by a parent
   * process or thread with a dashboard for its workers and children
   * (`PULSELOG_JOIN`). `false` never joins. Default: join when one is set.
   */
  join?: string | false;
}

/** The fully resolved configuration every part of the logger receives, frozen. */
export interface ResolvedConfig {
  readonly level: LevelName;
  readonly dashboard: boolean;
  readonly host: string;
  readonly port: number;
  readonly open: boolean;
  readonly token: string | undefined;
  readonly flushInterval: number;
  /** Folder of this logger's checkpoint store: `checkpointPath`, then the logger's name unless shared. */
  readonly checkpointPath: string;
  readonly sharedCheckpoints: boolean;
  readonly sessionDir: string | false;
  readonly keepSessions: number;
  readonly queueSize: number;
  readonly overflow: OverflowPolicy;
  readonly linger: number;
  readonly replayRecords: number;
  readonly replayBytes: number;
  readonly redact: readonly string[];
  readonly redactValues: ValuePatterns;
  readonly maxStringLength: number;
  readonly otlpMaxBytes: number;
  readonly captureConsole: boolean;
  readonly traceContext: boolean;
  readonly pretty: boolean;
  /** Colours in the pretty output: `FORCE_COLOR`, else none with `NO_COLOR` or `TERM=dumb`, else when stderr is a terminal. */
  readonly prettyColor: boolean;
  /** Port of the Prometheus metrics server, or `undefined` for none. */
  readonly metricsPort: number | undefined;
  readonly health: boolean;
  readonly profile: boolean;
  /** The join address (`PULSELOG_JOIN`), `false` when joining is off, `undefined` when none is set. */
  readonly join: string | false | undefined;
  /** Folder `.pulselog/` state lives in: the one holding `pulselog.toml`, else the working directory. */
  readonly projectDir: string;
}

type Key = keyof LoggerOptions;
type Parser = (raw: unknown) => unknown;

const isTrue = ['1', 'true', 'yes', 'on'];
const isFalse = ['0', 'false', 'no', 'off'];

function bool(raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    const v = raw.trim().toLowerCase();
    if (isTrue.includes(v)) return true;
    if (isFalse.includes(v)) return false;
  }
  throw new Error('expected true or false');
}

function int(min: number, max: number): Parser {
  return (raw) => {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw new Error(`expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

function text(raw: unknown): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw new Error('expected a non-empty string');
  return raw;
}

function level(raw: unknown): LevelName {
  const name = typeof raw === 'string' ? normalizeLevel(raw) : undefined;
  if (!name) throw new Error('expected one of trace, debug, info, warning, error, critical');
  return name;
}

function overflow(raw: unknown): OverflowPolicy {
  if (raw === 'drop' || raw === 'block' || raw === 'raise') return raw;
  throw new Error("expected 'drop', 'block' or 'raise'");
}

function pathOrFalse(raw: unknown): string | false {
  if (raw === false) return false;
  if (typeof raw === 'string' && isFalse.includes(raw.trim().toLowerCase())) return false;
  return text(raw);
}

function token(raw: unknown): string {
  const t = text(raw);
  if (t.length < 22 || !/^[A-Za-z0-9_-]+$/.test(t)) {
    throw new Error('expected at least 22 characters of A-Z, a-z, 0-9, - or _ (128 bits or more)');
  }
  return t;
}

/** A join address that parses, or false. */
function joinSetting(raw: unknown): string | false {
  if (raw === false || (typeof raw === 'string' && isFalse.includes(raw.trim().toLowerCase()))) return false;
  parseJoinAddress(text(raw));
  return raw as string;
}

/** Redaction paths: a list, or comma-separated text (the environment); each must parse. */
function redactPaths(raw: unknown): readonly string[] {
  const list = typeof raw === 'string' ? raw.split(',').filter((p) => p.trim() !== '') : raw;
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) {
    throw new Error('expected a list of paths, like ["password", "headers.authorization", "**.token"]');
  }
  for (const path of list) parsePath(path);
  return Object.freeze(list.map((p) => p.trim()));
}

/** Value patterns: true or false, or a list of regular expressions (sources or objects), each of which must compile. */
function redactValues(raw: unknown): ValuePatterns {
  if (typeof raw === 'boolean' || typeof raw === 'string') return bool(raw);
  if (!Array.isArray(raw) || !raw.every((p) => typeof p === 'string' || p instanceof RegExp)) {
    throw new Error('expected true, false or a list of regular expressions');
  }
  compileValuePatterns(raw);
  return Object.freeze([...raw]);
}

/** Each setting: its parser, environment variable and `pulselog.toml` key. */
const SETTINGS: Record<Key, { parse: Parser; env?: string; toml: string }> = {
  level: { parse: level, env: 'PULSELOG_LEVEL', toml: 'level' },
  dashboard: { parse: bool, env: 'PULSELOG_DASHBOARD', toml: 'dashboard' },
  host: { parse: text, env: 'PULSELOG_HOST', toml: 'host' },
  port: { parse: int(0, 65535), env: 'PULSELOG_PORT', toml: 'port' },
  open: { parse: bool, env: 'PULSELOG_OPEN', toml: 'open' },
  token: { parse: token, env: 'PULSELOG_TOKEN', toml: 'token' },
  flushInterval: { parse: int(1, 60_000), env: 'PULSELOG_FLUSH_INTERVAL', toml: 'flush_interval' },
  checkpointPath: { parse: text, env: 'PULSELOG_CHECKPOINT_PATH', toml: 'checkpoint_path' },
  sharedCheckpoints: { parse: bool, env: 'PULSELOG_SHARED_CHECKPOINTS', toml: 'shared_checkpoints' },
  sessionDir: { parse: pathOrFalse, env: 'PULSELOG_SESSION_DIR', toml: 'session_dir' },
  keepSessions: { parse: int(1, 100_000), env: 'PULSELOG_KEEP_SESSIONS', toml: 'keep_sessions' },
  queueSize: { parse: int(16, 100_000_000), env: 'PULSELOG_QUEUE_SIZE', toml: 'queue_size' },
  overflow: { parse: overflow, env: 'PULSELOG_OVERFLOW', toml: 'overflow' },
  linger: { parse: int(0, 600_000), env: 'PULSELOG_LINGER', toml: 'linger' },
  replayRecords: { parse: int(1000, 100_000_000), env: 'PULSELOG_REPLAY_RECORDS', toml: 'replay_records' },
  replayBytes: { parse: int(1 << 20, 2 ** 32), env: 'PULSELOG_REPLAY_BYTES', toml: 'replay_bytes' },
  redact: { parse: redactPaths, env: 'PULSELOG_REDACT', toml: 'redact' },
  redactValues: { parse: redactValues, env: 'PULSELOG_REDACT_VALUES', toml: 'redact_values' },
  maxStringLength: { parse: int(1024, 2 ** 29), env: 'PULSELOG_MAX_STRING_LENGTH', toml: 'max_string_length' },
  otlpMaxBytes: { parse: int(1024, 2 ** 30), env: 'PULSELOG_OTLP_MAX_BYTES', toml: 'otlp_max_bytes' },
  captureConsole: { parse: bool, env: 'PULSELOG_CAPTURE_CONSOLE', toml: 'capture_console' },
  traceContext: { parse: bool, env: 'PULSELOG_TRACE_CONTEXT', toml: 'trace_context' },
  pretty: { parse: bool, env: 'PULSELOG_PRETTY', toml: 'pretty' },
  metricsPort: { parse: int(0, 65535), env: 'PULSELOG_METRICS_PORT', toml: 'metrics_port' },
  health: { parse: bool, env: 'PULSELOG_HEALTH', toml: 'health' },
  profile: { parse: bool, env: 'PULSELOG_PROFILE', toml: 'profile' },
  join: { parse: joinSetting, env: 'PULSELOG_JOIN', toml: 'join' },
};

const TOML_KEYS = new Map(Object.entries(SETTINGS).map(([key, s]) => [s.toml, key as Key]));

/** Where the configuration is read from; tests pass their own. */
export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** The logger's name: its checkpoints are kept under it unless shared. */
  name?: string;
  /** Whether stderr is a terminal. Default `process.stderr.isTTY`. */
  stderrIsTTY?: boolean;
}

/**
 * Whether terminal output is coloured, by the common conventions: `FORCE_COLOR`
 * (any value but `0` or `false`) forces colour on, as in Node itself;
 * otherwise `NO_COLOR` (non-empty, no-color.org) or `TERM=dumb` turns it off;
 * otherwise a terminal gets colour.
 */
export function colorWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  if ((env.NO_COLOR !== undefined && env.NO_COLOR !== '') || env.TERM === 'dumb') return false;
  return isTTY;
}

/**
 * The folder a logger name's checkpoints get under the checkpoint folder: the
 * name itself when it is a plain file name, else its plain characters and a
 * checksum of the whole, so no two names share a folder and none leaves it.
 */
export function checkpointFolder(name: string): string {
  const plain = name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80);
  if (plain === name && !/^\.*$/.test(name)) return name;
  return `${plain.replace(/^\.+/, '_') || '_'}-${(crc32(name) >>> 0).toString(16).padStart(8, '0')}`;
}

/** Finds `pulselog.toml` in `cwd` or the nearest parent folder. */
export function findConfigFile(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    const file = join(dir, 'pulselog.toml');
    if (existsSync(file)) return file;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function configError(key: string, value: unknown, source: string, why: string): PulselogError {
  let shown: string;
  try {
    shown = JSON.stringify(value) ?? String(value);
  } catch {
    shown = String(value);
  }
  return new PulselogError(
    'PULSELOG_ERR_CONFIG',
    `invalid pulselog setting ${key} = ${shown} (from ${source}): ${why}`,
  );
}

function readToml(file: string): Record<string, unknown> {
  try {
    const data = parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const table = data.pulselog;
    // Settings may sit at the top level or under a [pulselog] table.
    return typeof table === 'object' && table !== null ? (table as Record<string, unknown>) : data;
  } catch (err) {
    throw new PulselogError('PULSELOG_ERR_CONFIG', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * The settings of built-in output `kind` in `pulselog.toml` (in `cwd` or the
 * nearest parent): its `[outputs.<kind>]` table, or `{}`. They come after
 * the output's options and the environment; naming the output in `outputs`
 * is what turns it on.
 */
export function outputFileSettings(kind: string, cwd: string = process.cwd()): Record<string, unknown> {
  const file = findConfigFile(cwd);
  if (file === undefined) return {};
  const outputs = readToml(file).outputs;
  const table =
    typeof outputs === 'object' && outputs !== null ? (outputs as Record<string, unknown>)[kind] : undefined;
  return typeof table === 'object' && table !== null && !Array.isArray(table) ? (table as Record<string, unknown>) : {};
}

/**
 * Resolves the configuration: constructor options, then environment variables,
 * then `pulselog.toml` in the working directory or the nearest parent, then
 * defaults. A bad value throws a `PulselogError` naming the key, the value and
 * where it came from. This is the only place that knows the precedence.
 */
export function resolveConfig(options: LoggerOptions = {}, sources: ConfigSources = {}): ResolvedConfig {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const file = findConfigFile(cwd);
  const fileValues = file ? readToml(file) : {};
  const projectDir = file ? dirname(file) : resolve(cwd);

  for (const key of Object.keys(fileValues)) {
    if (key !== 'pulselog' && key !== 'outputs' && !TOML_KEYS.has(key)) {
      throw configError(
        key,
        fileValues[key],
        file as string,
        `unknown key; known keys: ${[...TOML_KEYS.keys()].join(', ')}`,
      );
    }
  }
  for (const key of Object.keys(options)) {
    if (!(key in SETTINGS))
      throw configError(key, (options as Record<string, unknown>)[key], 'options', 'unknown option');
  }

  const picked: Partial<Record<Key, unknown>> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as [Key, (typeof SETTINGS)[Key]][]) {
    const fromOptions = options[key];
    const fromEnv = setting.env ? env[setting.env] : undefined;
    const fromFile = fileValues[setting.toml];
    let raw: unknown;
    let source: string;
    if (fromOptions !== undefined) [raw, source] = [fromOptions, `options.${key}`];
    else if (fromEnv !== undefined && fromEnv !== '') [raw, source] = [fromEnv, `environment ${setting.env}`];
    else if (fromFile !== undefined) [raw, source] = [fromFile, `${file} key ${setting.toml}`];
    else continue;
    try {
      picked[key] = setting.parse(raw);
    } catch (err) {
      throw configError(key, raw, source, (err as Error).message);
    }
  }

  const stderrIsTTY = sources.stderrIsTTY ?? process.stderr.isTTY === true;
  const captureConsole = (picked.captureConsole ?? false) as boolean;
  const inCi = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  const inProject = (p: string) => resolve(projectDir, p);
  const sessionDir = (picked.sessionDir ?? '.pulselog/sessions') as string | false;
  const sharedCheckpoints = (picked.sharedCheckpoints ?? false) as boolean;
  const checkpointRoot = inProject((picked.checkpointPath ?? '.pulselog/checkpoints') as string);
  return Object.freeze({
    level: (picked.level ?? 'debug') as LevelName,
    dashboard: (picked.dashboard ?? !inCi) as boolean,
    host: (picked.host ?? '127.0.0.1') as string,
    port: (picked.port ?? 5678) as number,
    open: (picked.open ?? !inCi) as boolean,
    token: picked.token as string | undefined,
    flushInterval: (picked.flushInterval ?? 10) as number,
    checkpointPath: sharedCheckpoints ? checkpointRoot : join(checkpointRoot, checkpointFolder(sources.name ?? '')),
    sharedCheckpoints,
    sessionDir: sessionDir === false ? false : inProject(sessionDir),
    keepSessions: (picked.keepSessions ?? 20) as number,
    queueSize: (picked.queueSize ?? 100_000) as number,
    overflow: (picked.overflow ?? 'drop') as OverflowPolicy,
    linger: (picked.linger ?? 5000) as number,
    replayRecords: (picked.replayRecords ?? 1_000_000) as number,
    replayBytes: (picked.replayBytes ?? 256 * 1024 * 1024) as number,
    redact: (picked.redact ?? Object.freeze([])) as readonly string[],
    redactValues: (picked.redactValues ?? false) as ValuePatterns,
    maxStringLength: (picked.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH) as number,
    otlpMaxBytes: (picked.otlpMaxBytes ?? 64 * 1024 * 1024) as number,
    captureConsole,
    // Captured console calls print already: a pretty copy of each would show every line twice.
    pretty: (picked.pretty ?? (stderrIsTTY && !captureConsole)) as boolean,
    prettyColor: colorWanted(env, stderrIsTTY),
    traceContext: (picked.traceContext ?? true) as boolean,
    metricsPort: picked.metricsPort as number | undefined,
    health: (picked.health ?? true) as boolean,
    profile: (picked.profile ?? false) as boolean,
    join: picked.join as string | false | undefined,
    projectDir,
  });
}
