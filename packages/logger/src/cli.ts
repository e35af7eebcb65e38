#!/usr/bin/env node
/**
 * The `pulselog` command.
 */
import { VERSION } from './version.js';

const HELP = `pulselog ${VERSION}: a non-blocking logger with a live browser dashboard

Usage:
  pulselog demo        run a simulated training job and stream it to the dashboard
  pulselog noise       write realistic log lines at a steady rate (see pulselog noise --help)
  pulselog serve       a standing dashboard the project's scripts send their records to
  pulselog --version   print the version
  pulselog --help      print this help

Settings come from options, PULSELOG_* environment variables and pulselog.toml;
see the README.
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (command === '--version' || command === '-v') {
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
  if (command === 'serve') return (await import('./join/serve.js')).serveCommand(argv.slice(1));
  process.stderr.write(`pulselog: unknown command '${command}'\n\n${HELP}`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`pulselog: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
