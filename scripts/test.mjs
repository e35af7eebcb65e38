// `pnpm test`: builds the packages (the e2e tests start the built package, as a
// user would), then runs every test level in one vitest run. Vitest's JSON
// report goes to .vitest-results/ for CI's summary line.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

const build = run('pnpm', ['build']);
if (build !== 0) process.exit(build);
mkdirSync('.vitest-results', { recursive: true });
process.exit(
  run('pnpm', [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=.vitest-results/results.json',
    ...process.argv.slice(2),
  ]),
);
