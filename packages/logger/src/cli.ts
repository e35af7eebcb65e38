#!/usr/bin/env node
/**
 * The `pulselog` command.
 */
import { VERSION } from './version.js';

const HELP = `pulselog ${VERSION}: a non-blocking logger with a live browser dashboard

Usage:
  cmd | pulselog [--name NAME]   stream stdin's log lines to the dashboard (see pulselog --help with a pipe)
  pulselog run [--] CMD ARGS...  run a command with its output and OpenTelemetry logs on the dashboard
  pulselog tail FILE|GLOB...     follow files as tail -F does, each a source, on the dashboard
  pulselog view FILE...          open recorded session files in a read-only dashboard
  pulselog demo                  run a simulated training job and stream it to the dashboard
  pulselog noise                 write realistic log lines at a steady rate (see pulselog noise --help)
  pulselog mcp                   serve this project's sessions to AI assistants over MCP (see pulselog mcp --help)
  pulselog --version             print the version
  pulselog --help                print this help

Each command has its own --help. Settings come from options, PULSELOG_*
environment variables and pulselog.toml; see the README.
`;

/** Commands that take log lines, each loaded only when run. */
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  run: async () => (await import('./cli/run.js')).runCommand,
  tail: async () => (await import('./cli/tail.js')).tailCommand,
  view: async () => (await import('./cli/view.js')).viewCommand,
};

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  // Lines on stdin and no command: the pipe, `cmd | pulselog [--name NAME]`.
  if (!process.stdin.isTTY && (command === undefined || command.startsWith('-')) && !isVersion(command)) {
    if (command !== '--help' && command !== '-h') {
      const { stdinCommand } = await import('./cli/stdin.js');
      return stdinCommand(argv);
    }
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    if (command === '--help' || command === '-h') {
      const { STDIN_HELP } = await import('./cli/stdin.js');
      process.stdout.write(`\n${STDIN_HELP}`);
    }
    return 0;
  }
  if (isVersion(command)) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === 'demo') {
    const { runDemo } = await import('./demo.js');
    await runDemo();
    return 0;
  }
  if (command === 'noise') {
    const { noiseCommand } = await import('./noise/command.js');
    return noiseCommand(argv.slice(1));
  }
  if (command === 'mcp') {
    const { mcpCommand } = await import('./mcp/command.js');
    return mcpCommand(argv.slice(1));
  }
  if (command.startsWith('-')) {
    const { UsageError } = await import('./cli/common.js');
    throw new UsageError(
      'pulselog',
      `${command} is for a pipe, and stdin is a terminal: cmd | pulselog ${argv.join(' ')}`,
    );
  }
  const load = COMMANDS[command];
  if (load !== undefined) return (await load())(argv.slice(1));
  process.stderr.write(`pulselog: unknown command '${command}'\n\n${HELP}`);
  return 2;
}

function isVersion(arg: string | undefined): boolean {
  return arg === '--version' || arg === '-v';
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err) => {
    const { UsageError, USAGE_EXIT } = await import('./cli/common.js');
    const message = err instanceof Error ? err.message : String(err);
    // Messages of the commands name themselves; others get the program's name.
    process.stderr.write(`${message.startsWith('pulselog') ? '' : 'pulselog: '}${message}\n`);
    if (err instanceof UsageError) {
      process.stderr.write(`Run '${err.command} --help' for usage.\n`);
    }
    process.exitCode = err instanceof UsageError ? USAGE_EXIT : 1;
  },
);
