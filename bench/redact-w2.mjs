// The cost of redaction through the whole logger: `pnpm build`, then `node bench/redact-w2.mjs`.
// Environment: BENCH_CALLS (default 500000 timed calls per run), BENCH_RUNS (default 3).
// W2 (a message and `{ user_id, latency_ms, status }` built per call) through
// logger-case.mjs, each setup with and without the typical `redact` list
// (`password`, `headers.authorization`, `*.secret`, `**.token`; pino, which has
// no `**`, gets `token` and `*.token` in its place), every run in a fresh
// process, setups interleaved run by run. Prints a Markdown table of medians:
// each `+redact` row against the same setup without it, and pulselog against
// the best pino setup with the same paths.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 500_000);
const SETUPS = ['pulselog', 'pino-sync', 'pino-worker'];
const CONFIGS = SETUPS.flatMap((setup) => [setup, `${setup}+redact`]);
const caseScript = fileURLToPath(new URL('./logger-case.mjs', import.meta.url));

function runCase(config) {
  const out = spawnSync(process.execPath, [caseScript, config, 'W2', String(CALLS)], {
    encoding: 'utf8',
    env: { ...process.env, CI: '', PULSELOG_OPEN: '0' },
    timeout: 600_000,
  });
  if (out.status !== 0) throw new Error(`${config} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

const results = Object.fromEntries(CONFIGS.map((config) => [config, []]));
for (let run = 0; run < RUNS; run++) {
  for (const config of CONFIGS) {
    const r = runCase(config);
    results[config].push(r);
    process.stderr.write(`run ${run + 1}/${RUNS} ${config}: ${Math.round(r.callsPerSec)} calls/s\n`);
  }
}

const median = (config, key) => {
  const xs = results[config].map((r) => r[key]).sort((a, b) => a - b);
  return xs[Math.floor(xs.length / 2)];
};
const fmt = (n, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a, b) => `${(a / b).toFixed(2)}x`;

console.log(`W2, ${fmt(CALLS)} timed calls per run, medians of ${RUNS} runs, node ${process.version}.\n`);
console.log(
  '| setup | calls/s | vs without redact | delivered/s | vs without redact | p50 µs | p99 µs | CPU µs/rec | lost |',
);
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const config of CONFIGS) {
  const base = config.replace('+redact', '');
  const calls = median(config, 'callsPerSec');
  const delivered = median(config, 'deliveredPerSec');
  const cells = [
    config,
    fmt(calls),
    ratio(calls, median(base, 'callsPerSec')),
    fmt(delivered),
    ratio(delivered, median(base, 'deliveredPerSec')),
    fmt(median(config, 'p50'), 2),
    fmt(median(config, 'p99'), 2),
    fmt(median(config, 'cpuUsPerRecord'), 2),
    fmt(median(config, 'lost')),
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
const bestPino = (key) => Math.max(...['pino-sync+redact', 'pino-worker+redact'].map((c) => median(c, key)));
console.log(
  `\npulselog+redact against the best pino setup with redact: ${ratio(median('pulselog+redact', 'callsPerSec'), bestPino('callsPerSec'))} calls/s, ${ratio(median('pulselog+redact', 'deliveredPerSec'), bestPino('deliveredPerSec'))} delivered/s.`,
);
