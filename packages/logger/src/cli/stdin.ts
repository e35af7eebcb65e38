/**
 * `cmd | pulselog [--name NAME]`: stdin's lines into a dashboard and a
 * session file. The dashboard stays up after the input ends, until Ctrl-C.
 */
import { parseArgs } from 'node:util';
import { commandLogger, pump, readArgs, reportJunk, signalExitCode, UsageError, untilInterrupted } from './common.js';
import { LineFeed } from './feed.js';

/** `pulselog --help` for the pipe. */
export const STDIN_HELP = `Usage: cmd | pulselog [--name NAME]

Reads log lines from stdin and streams them to the dashboard (printed and
opened as any logger's), recording them to a session file. Each line is
parsed: JSON lines of pino, bunyan, winston, structlog, loguru, zap, logrus,
slog (or anything with a level and a message); logfmt; plain text, its level
from a leading or bracketed level word. Tracebacks, stacks and indented
lines fold into the record above them. After the input ends the dashboard
stays up until Ctrl-C.

Options:
  --name NAME        the session's name and the records' source (default: stdin)
  --max-line BYTES   longest line kept whole; longer ones are cut with a marker (default 1048576)
  -h, --help         print this help

Settings: PULSELOG_PORT, PULSELOG_OPEN, PULSELOG_LINGER, ... (see the README).
`;

/** Runs the pipe; resolves with the exit code. */
export async function stdinCommand(argv: string[]): Promise<number> {
  const { values } = readArgs('pulselog', () =>
    parseArgs({
      args: argv,
      options: {
        name: { type: 'string', short: 'n' },
        'max-line': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }),
  );
  if (values.help) {
    process.stdout.write(STDIN_HELP);
    return 0;
  }
  const name = values.name ?? 'stdin';
  const maxLine = maxLineOption('pulselog', values['max-line']);
  const log = commandLogger(name);
  const feed = new LineFeed(log, { source: name, defaultLevel: 'info', maxLine });
  const interrupt = untilInterrupted();
  const ended = pump(process.stdin, feed, log).then(() => 'ended' as const);
  const first = await Promise.race([ended, interrupt.signal]);
  if (first !== 'ended') {
    // Ctrl-C before the input ended: what was read is kept, and the process ends as interrupted.
    process.stdin.destroy();
    feed.end();
    reportJunk('stdin', [feed]);
    await log.shutdown();
    return signalExitCode(first);
  }
  reportJunk('stdin', [feed]);
  log.divider('input ended');
  const counts = `${feed.lines} lines, ${feed.records} records`;
  if ((await log.dashboardUrl()) === undefined) {
    // No dashboard (CI, or turned off): the session file has it all, and there is nothing to stay up for.
    process.stderr.write(`pulselog: input ended: ${counts}\n`);
    interrupt.stop();
    await log.shutdown();
    return 0;
  }
  process.stderr.write(`pulselog: input ended: ${counts}; the dashboard stays up until Ctrl-C\n`);
  await interrupt.signal;
  await log.shutdown();
  return 0;
}

/** `--max-line`: a whole number of bytes, at least 1 KiB. */
export function maxLineOption(command: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024) {
    throw new UsageError(command, `--max-line must be a whole number of bytes, at least 1024, not ${raw}`);
  }
  return n;
}
