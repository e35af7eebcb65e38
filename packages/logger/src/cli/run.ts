/**
 * `pulselog run [--] CMD ARGS...`: runs a command with its stdout and
 * stderr recorded, its environment pointing OpenTelemetry SDKs (and
 * `@pulselog/logger` in Node children) at this dashboard, signals forwarded
 * and its exit code passed through.
 */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { commandLogger, pump, readArgs, reportJunk, signalExitCode, UsageError } from './common.js';
import { LineFeed } from './feed.js';
import { maxLineOption } from './stdin.js';

/** `pulselog run --help`. */
export const RUN_HELP = `Usage: pulselog run [options] [--] CMD [ARGS...]

Runs CMD and streams its stdout and stderr to the dashboard, recorded to a
session file. Lines are parsed as they are for a pipe (see pulselog --help);
stderr lines are at least warnings unless they name a level. The command's
output still shows in the terminal. SIGINT and SIGTERM are passed on to it,
and its exit code is pulselog's (after waiting up to PULSELOG_LINGER for a
tab to have every record). OTEL_EXPORTER_OTLP_ENDPOINT and
OTEL_EXPORTER_OTLP_HEADERS point an OpenTelemetry SDK in the command at this
dashboard, token included.

Options:
  --name NAME        the session's name and the records' source (default: the command's name)
  --quiet            do not copy the command's output to the terminal
  --max-line BYTES   longest line kept whole (default 1048576)
  -h, --help         print this help

Exit codes: the command's; 128+N when a signal N ended it; 127 when it cannot be started.
`;

/** How long the command's pipes may stay open after it exited (held by a process it started). */
const PIPES_AFTER_EXIT_MS = 2000;

/** The environment that points an OpenTelemetry SDK at the dashboard at `url` (`http://host:port/#token=…`). */
export function otlpEnvironment(url: string): Record<string, string> {
  const parsed = new URL(url);
  const token = new URLSearchParams(parsed.hash.slice(1)).get('token') ?? '';
  return {
    // The base URL: SDKs add `/v1/logs` (and `/v1/traces`, which the dashboard does not take) themselves.
    OTEL_EXPORTER_OTLP_ENDPOINT: parsed.origin,
    // As the OpenTelemetry spec reads this variable: `key=value` pairs, values URL-encoded.
    OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${encodeURIComponent(token)}`,
  };
}

/** Runs the command; resolves with its exit code. */
export async function runCommand(argv: string[]): Promise<number> {
  const { values, positionals } = readArgs('pulselog run', () =>
    parseArgs({
      args: argv,
      options: {
        name: { type: 'string', short: 'n' },
        quiet: { type: 'boolean', short: 'q' },
        'max-line': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    }),
  );
  if (values.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  const [command, ...args] = positionals;
  if (command === undefined) throw new UsageError('pulselog run', 'no command given: pulselog run -- CMD ARGS...');
  const maxLine = maxLineOption('pulselog run', values['max-line']);
  const name = values.name ?? basename(command);
  const log = commandLogger(name);
  // The URL is known once the dashboard listens; the command starts after, so that its environment can name it.
  const url = await log.dashboardUrl();
  const env = { ...process.env, ...(url === undefined ? {} : otlpEnvironment(url)) };
  const child = spawn(command, args, { stdio: ['inherit', 'pipe', 'pipe'], env });
  const started = new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  const failed = await started;
  if (failed !== undefined) {
    const code = (failed as NodeJS.ErrnoException).code;
    process.stderr.write(
      `pulselog run: cannot start ${command}: ${code === 'ENOENT' ? 'no such command' : failed.message}\n`,
    );
    log.error(`cannot start ${command}`, { code });
    await log.shutdown();
    return code === 'ENOENT' ? 127 : 126;
  }
  const forward = (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const out = new LineFeed(log, { source: name, defaultLevel: 'info', maxLine });
  const err = new LineFeed(log, { source: name, defaultLevel: 'warning', maxLine });
  let quiet = values.quiet === true;
  // A terminal or pipe that stops reading (`pulselog run -- cmd | head`) ends the copy, never the recording.
  const stopCopying = () => {
    quiet = true;
  };
  process.stdout.on('error', stopCopying);
  process.stderr.on('error', stopCopying);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const pumps = Promise.all([
    pump(child.stdout, out, log, (chunk) => quiet || process.stdout.write(chunk)),
    pump(child.stderr, err, log, (chunk) => quiet || process.stderr.write(chunk)),
  ]);
  const { code, signal } = await exited;
  // A process the command left behind may hold its pipes open: what it wrote so far is kept, and pulselog does not wait for it.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([pumps, new Promise((resolve) => (timer = setTimeout(resolve, PIPES_AFTER_EXIT_MS)))]);
  clearTimeout(timer);
  child.stdout.destroy();
  child.stderr.destroy();
  await pumps;
  reportJunk(`run ${name}`, [out, err]);
  const exitCode = signal !== null ? signalExitCode(signal) : (code ?? 1);
  const how = signal !== null ? `was ended by ${signal}` : `exited with code ${exitCode}`;
  if (exitCode === 0) log.info(`${name} ${how}`);
  else log.error(`${name} ${how}`, { exit_code: exitCode });
  // Signals from here on are Ctrl-C to skip the linger, not for the command.
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  await log.shutdown();
  return exitCode;
}
