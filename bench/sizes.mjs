// Values by size, beside pino: `pnpm build`, then `node bench/sizes.mjs`.
// Environment: BENCH_RUNS (default 3), BENCH_CALLS_10KB (default 20000),
// BENCH_CALLS_10MB (default 50), BENCH_CONFIGS (default pulselog,pino-sync,pino-async,pino-worker).
// A 10 KB and a 10 MB string logged as the message (`info(value)`) and as a
// field (`info('payload', { body: value })`; pino: `info({ body: value }, 'payload')`),
// the same string every call, as a program logs a body it holds. Each case
// runs in a fresh process (sizes-case.mjs), configurations interleaved run by
// run; prints a Markdown table of medians: calls/s, records and MB delivered
// to the file per second (until the file holds them all), CPU of the whole
// process per record, peak RSS, records lost, and whether every record in
// the file holds the value whole.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CALLS = {
  '10KB': Number(process.env.BENCH_CALLS_10KB ?? 20_000),
  '10MB': Number(process.env.BENCH_CALLS_10MB ?? 50),
};
const CONFIGS = (process.env.BENCH_CONFIGS ?? 'pulselog,pino-sync,pino-async,pino-worker').split(',');
const CASES = ['10KB', '10MB'].flatMap((size) => ['msg', 'field'].map((shape) => ({ size, shape })));
const PINOS = ['pino-sync', 'pino-async', 'pino-worker'];
const caseScript = fileURLToPath(new URL('./sizes-case.mjs', import.meta.url));

function runCase(config, { size, shape }) {
  const out = spawnSync(process.execPath, [caseScript, config, size, shape, String(CALLS[size])], {
    encoding: 'utf8',
    env: { ...process.env, CI: '', PULSELOG_OPEN: '0' },
    timeout: 900_000,
  });
  if (out.status !== 0) throw new Error(`${config} ${size} ${shape} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

const key = ({ size, shape }) => `${size} ${shape}`;
const results = {};
for (let run = 0; run < RUNS; run++) {
  for (const c of CASES) {
    for (const config of CONFIGS) {
      const r = runCase(config, c);
      results[key(c)] ??= {};
      results[key(c)][config] ??= [];
      results[key(c)][config].push(r);
      process.stderr.write(`run ${run + 1}/${RUNS} ${key(c)} ${config}: ${r.callsPerSec.toFixed(1)} calls/s\n`);
    }
  }
}

const fmt = (n, digits = 0) =>
  n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(
  `Medians of ${RUNS} runs, ${fmt(CALLS['10KB'])} calls of 10 KB and ${fmt(CALLS['10MB'])} of 10 MB per run, node ${process.version}. Ratios to the best pino setup of the same run.\n`,
);
for (const c of CASES) {
  const rows = results[key(c)];
  const m = (config, field) => {
    const xs = (rows[config] ?? []).map((r) => r[field]).sort((a, b) => a - b);
    return xs[Math.floor(xs.length / 2)];
  };
  const best = (field) => Math.max(...PINOS.filter((p) => rows[p]).map((p) => m(p, field)));
  const ratio = (config, field) =>
    PINOS.some((p) => rows[p]) ? `${(m(config, field) / best(field)).toFixed(2)}x` : '–';
  console.log(`### ${c.size} ${c.shape === 'msg' ? 'message' : 'field'}\n`);
  console.log('| setup | calls/s | vs pino | delivered/s | vs pino | MB/s | CPU µs/rec | peak RSS MB | lost | whole |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const config of CONFIGS) {
    const whole = (rows[config] ?? []).every((r) => r.whole) ? 'yes' : 'no';
    const cells = [
      config,
      fmt(m(config, 'callsPerSec'), 1),
      ratio(config, 'callsPerSec'),
      fmt(m(config, 'deliveredPerSec'), 1),
      ratio(config, 'deliveredPerSec'),
      fmt(m(config, 'deliveredMBps'), 1),
      fmt(m(config, 'cpuUsPerRecord'), 1),
      fmt(m(config, 'peakRssMb')),
      fmt(m(config, 'lost')),
      whole,
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
  console.log('');
}
