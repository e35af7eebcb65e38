// Runs every benchmark: `pnpm bench` from the repository root (builds first),
// the long ones and the ten-minute soak included, so allow an hour or so on a
// quiet machine. Each script prints its own table (see the comment at its top);
// the ones marked `write` put it in their section of bench/README.md when
// given --write (`pnpm bench --write`). One script alone: `node bench/<name>.mjs`.
// Left out: logger-ab.mjs, which needs an older checkout (AB_OLD), and
// redact-cpu.mjs, the loaded-machine variant of redact-w2.mjs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** In the order they run: the hot path first, the soak last. */
const scripts = [
  ['logger.mjs', 'write'],
  ['hub.mjs'],
  ['browser.mjs'],
  ['browser-analysis.mjs'],
  ['otlp-in.mjs', 'write'],
  ['otlp.mjs', 'write'],
  ['redact.mjs'],
  ['redact-w2.mjs'],
  ['sizes.mjs'],
  ['checkpoints-open.mjs'],
  ['cli-pipe.mjs'],
  ['join.mjs'],
  ['insight.mjs', 'write'],
  ['signals.mjs'],
  ['soak.mjs'],
];
const write = process.argv.includes('--write');
let failed = 0;
for (const [script, writes] of scripts) {
  process.stdout.write(`\n== bench/${script}\n`);
  const out = spawnSync(
    process.execPath,
    [fileURLToPath(new URL(`./${script}`, import.meta.url)), ...(write && writes ? ['--write'] : [])],
    { stdio: 'inherit' },
  );
  if (out.status !== 0) {
    failed++;
    process.stdout.write(`bench/${script} ended with ${out.status ?? out.signal}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
