/**
 * `pulselog serve`: a standing dashboard for the project. It runs until
 * Ctrl-C, leaves a note in `.pulselog/serve.json`, and every logger of the
 * project started meanwhile on the same port (and so the same
 * `.pulselog/token`) finds it through `GET /api/health` and sends its records
 * here: several scripts at once are sources of one session, in one tab and
 * one session file.
 */
import { parseArgs } from 'node:util';
import { Logger } from '../logger.js';
import { writeServeNote } from './discover.js';

/** `pulselog serve --help`. */
export const SERVE_HELP = `Usage: pulselog serve [--name NAME]

Runs a standing dashboard for the project until Ctrl-C. Every script of the
project that creates a Logger meanwhile (same folder or pulselog.toml, same
port) sends its records here instead of opening a dashboard of its own: each
script is a source of one session, recorded in one session file.

Options:
  --name NAME   the session's name (default: serve)
  -h, --help    print this help

Settings come from PULSELOG_* variables and pulselog.toml as for any logger:
PULSELOG_PORT (default 5678), PULSELOG_HOST, PULSELOG_OPEN, PULSELOG_TOKEN, ...
`;

/** Runs `pulselog serve`; resolves with the exit code once it is stopped. */
export async function serveCommand(argv: string[]): Promise<number> {
  let values: { name?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`pulselog serve: ${(err as Error).message}\n\n${SERVE_HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  // A standing dashboard is the one others join: it never joins one itself, and stops at once when told to.
  const log = new Logger(values.name ?? 'serve', { dashboard: true, join: false, linger: 0 });
  const url = await log.dashboardUrl();
  if (url === undefined) {
    await log.shutdown();
    process.stderr.write('pulselog serve: the dashboard could not start (see above)\n');
    return 1;
  }
  const port = Number(new URL(url).port);
  const { host, projectDir } = log.config;
  const removeNote = writeServeNote(projectDir, { pid: process.pid, host, port, session: log.session.id });
  if (port !== log.config.port) {
    process.stderr.write(
      `pulselog serve: warning: port ${log.config.port} was taken; scripts join only with PULSELOG_PORT=${port}\n`,
    );
  }
  process.stderr.write(
    `pulselog serve: loggers of ${projectDir} on port ${port} send their records here (Ctrl-C to stop)\n`,
  );
  log.info('standing dashboard up', { port, project: projectDir });
  const keepAlive = setInterval(() => {}, 60_000);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  removeNote();
  log.info('standing dashboard stopping', { signal });
  await log.shutdown();
  return 0;
}
