// Runs the benchmarks: `pnpm bench` from the repository root (builds first).
// Each logger runs in a fresh process, side by side in one run; the table
// reports medians over the runs and the ratio to the best pino setup.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 500_000);
const CASES = ['pulselog', 'pino-sync', 'pino-async', 'winston'];
const worker = fileURLToPath(new URL('./w1.mjs', import.meta.url));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = {};
for (let run = 0; run < RUNS; run++) {
  for (const name of CASES) {
    const out = spawnSync(process.execPath, [worker, name, String(CALLS)], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${name} failed:\n${out.stderr}`);
    results[name] ??= [];
    results[name].push(JSON.parse(out.stdout.trim().split('\n').pop()).callsPerSec);
  }
}
const best = Math.max(median(results['pino-sync']), median(results['pino-async']));
console.log(`W1 info('hello world'), ${CALLS} calls, median of ${RUNS} runs, node ${process.version}`);
console.log('| logger | calls/s | vs best pino |');
console.log('|---|---:|---:|');
for (const name of CASES) {
  const m = median(results[name]);
  console.log(`| ${name} | ${Math.round(m).toLocaleString('en-US')} | ${(m / best).toFixed(2)}x |`);
}
