// The logger benchmark: `pnpm bench` (all of bench/run.mjs) or `node bench/logger.mjs [--write]`.
// Environment: BENCH_CALLS (default 500000 timed calls per run), BENCH_RUNS
// (default 3), BENCH_WORKLOADS (default W1,W2,W2p,W2s,W3,W4), BENCH_CONFIGS.
// Each configuration runs in a fresh process, configurations interleaved run
// by run so that drift on a shared machine hits all of them alike; the table
// gives medians over the runs and ratios to the best pino setup of the same
// run. With --write the table replaces the `## Logger` section of bench/README.md.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 500_000);
const WORKLOADS = (process.env.BENCH_WORKLOADS ?? 'W1,W2,W2p,W2s,W3,W4').split(',');
const CONFIGS = (
  process.env.BENCH_CONFIGS ?? 'pulselog,pulselog+dashboard,pino-sync,pino-async,pino-worker,winston'
).split(',');
const WORKLOADS_LABEL = {
  W1: "info('hello world')",
  W2: 'a message and 3 fields built per call',
  W2p: "W2 in pino's order, info({ … }, 'msg')",
  W2s: 'W2 inside an active OpenTelemetry span (pulselog adds its trace_id, span_id, trace_flags)',
  W3: 'a 20-key object nested 3 deep with an array of 10 numbers',
  W4: 'an Error with a 10-frame stack',
};
const PINOS = ['pino-sync', 'pino-async', 'pino-worker'];
const caseScript = fileURLToPath(new URL('./logger-case.mjs', import.meta.url));
const readme = fileURLToPath(new URL('./README.md', import.meta.url));

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length === 0 ? undefined : s[Math.floor(s.length / 2)];
};

function runCase(config, workload) {
  const out = spawnSync(process.execPath, [caseScript, config, workload, String(CALLS)], {
    encoding: 'utf8',
    env: { ...process.env, CI: '', PULSELOG_OPEN: '0' },
    timeout: 600_000,
  });
  if (out.status !== 0) throw new Error(`${config} ${workload} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

const results = {};
for (let run = 0; run < RUNS; run++) {
  for (const workload of WORKLOADS) {
    for (const config of CONFIGS) {
      const r = runCase(config, workload);
      for (const [key, value] of Object.entries(r)) {
        results[workload] ??= {};
        results[workload][config] ??= {};
        results[workload][config][key] ??= [];
        results[workload][config][key].push(value);
      }
      process.stderr.write(`run ${run + 1}/${RUNS} ${workload} ${config}: ${Math.round(r.callsPerSec)} calls/s\n`);
    }
  }
}

const fmt = (n, digits = 0) =>
  n === undefined ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const lines = [];
lines.push(
  `${CALLS.toLocaleString('en-US')} timed calls per run (in turns of 1,000 calls per event-loop turn), medians of ${RUNS} runs, each in a fresh process; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB; ${new Date().toISOString().slice(0, 16)}Z.`,
  '',
  'Ratios are to the best pino setup (sync, async, worker transport) of the same run, per column. Latency is per call, timed with `process.hrtime.bigint()` around it (the timer’s own ~50 ns included). Delivered/s runs from the first timed call until the file holds every record; lines are counted while the logger finishes, so the clock stops within a few ms of the last one. CPU is user+system of the whole process (all threads: pino’s transport worker, pulselog’s pipeline thread and hub) per record. Lost = records logged minus records in the file at the end; for the dashboard the client’s received count is shown too.',
  '',
);
for (const workload of WORKLOADS) {
  const rows = results[workload];
  const m = (config, key) => median(rows[config]?.[key] ?? []);
  const bestPino = (key, lowest = false) => {
    const values = PINOS.map((p) => m(p, key)).filter((v) => v !== undefined);
    return lowest ? Math.min(...values) : Math.max(...values);
  };
  const best = {
    calls: bestPino('callsPerSec'),
    delivered: bestPino('deliveredPerSec'),
    cpu: bestPino('cpuUsPerRecord', true),
  };
  lines.push(`### ${workload}: ${WORKLOADS_LABEL[workload]}`, '');
  lines.push(
    '| setup | calls/s | vs pino | delivered/s | vs pino | client rec/s | p50 µs | p99 µs | p99.9 µs | CPU µs/rec | peak RSS MB | loop delay max ms | lost |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const config of CONFIGS) {
    if (!rows[config]) continue;
    const calls = m(config, 'callsPerSec');
    const delivered = m(config, 'deliveredPerSec');
    const received = m(config, 'receivedPerSec');
    const lost = Math.max(...rows[config].lost);
    const missed = Math.max(...(rows[config].missed ?? [0]));
    const clientLost =
      rows[config].received?.[0] !== undefined
        ? ` (client got ${fmt(Math.min(...rows[config].received))}${missed > 0 ? `, ${fmt(missed)} missed` : ''})`
        : '';
    lines.push(
      `| ${config} | ${fmt(calls)} | ${(calls / best.calls).toFixed(2)}x | ${fmt(delivered)} | ${(delivered / best.delivered).toFixed(2)}x | ${received === undefined ? '–' : `${fmt(received)} (${(received / best.delivered).toFixed(2)}x)`} | ${fmt(m(config, 'p50'), 2)} | ${fmt(m(config, 'p99'), 2)} | ${fmt(m(config, 'p999'), 2)} | ${fmt(m(config, 'cpuUsPerRecord'), 2)} | ${fmt(m(config, 'peakRssMb'))} | ${fmt(Math.max(...rows[config].eldMaxMs), 1)} | ${lost}${clientLost} |`,
    );
  }
  lines.push('');
}
const table = lines.join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf('## Logger');
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + 1);
  const section = `## Logger\n\n\`node bench/logger.mjs --write\` (or \`pnpm bench\`). Workloads: W1 \`info('hello world')\`; W2 a message and \`{ user_id: i, latency_ms: 12.5, status: 200 }\` built per call; W2p the same in pino's order, \`info({ … }, 'msg')\`; W2s W2 inside an active OpenTelemetry span (official SDK; pulselog adds the span's ids to each record, the others log as in W2); W3 a 20-key object nested 3 deep with an array of 10 numbers, built per call; W4 an \`Error\` with a 10-frame stack. Setups: pulselog with its session file (dashboard off), pulselog with the dashboard on and one WebSocket client (another process) receiving everything, pino \`destination({ sync: true })\` and \`({ sync: false })\`, pino worker transport \`pino/file\`, winston file transport.\n\n${table}\n`;
  const updated =
    start < 0
      ? `${text.trimEnd()}\n\n${section}`
      : `${text.slice(0, start)}${section}${next < 0 ? '' : text.slice(next + 1)}`;
  writeFileSync(readme, updated);
}
