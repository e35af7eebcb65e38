// What health sampling and the continuous profiler cost:
// `node bench/insight.mjs [--write]`. Environment: INSIGHT_RUNS (default 3),
// INSIGHT_CALLS (default 5,000,000 W2 calls per run: several seconds, so that
// health samples and profile chunks are taken while it runs), INSIGHT_IDLE_S
// (default 10). Two measures, each configuration in a fresh process,
// interleaved run by run, medians:
// - idle: CPU of a process whose program does nothing, in percent of one
//   core, with health off (`none`), on (the default), and the profiler on too;
// - W2: calls/s and CPU per record of bench/logger-case.mjs's W2 with health
//   off (`pulselog-nohealth`), on (`pulselog`), and the profiler on (`pulselog+profile`).
// With --write the tables replace the `## Health and profiler` section of bench/README.md.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.INSIGHT_RUNS ?? 3);
const CALLS = Number(process.env.INSIGHT_CALLS ?? 5_000_000);
const IDLE_S = Number(process.env.INSIGHT_IDLE_S ?? 10);
const IDLE = ['none', 'health', 'profile'];
const W2 = ['pulselog-nohealth', 'pulselog', 'pulselog+profile'];
const here = (name) => fileURLToPath(new URL(name, import.meta.url));

function run(script, args) {
  const out = spawnSync(process.execPath, [here(script), ...args], {
    encoding: 'utf8',
    env: { ...process.env, CI: '', PULSELOG_OPEN: '0' },
    timeout: 600_000,
  });
  if (out.status !== 0) throw new Error(`${script} ${args.join(' ')} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const idle = Object.fromEntries(IDLE.map((c) => [c, []]));
const w2 = Object.fromEntries(W2.map((c) => [c, { calls: [], cpu: [] }]));
for (let r = 0; r < RUNS; r++) {
  for (const config of IDLE) {
    idle[config].push(run('insight-idle.mjs', [config, String(IDLE_S)]).cpuPercent);
    process.stderr.write(`run ${r + 1}/${RUNS} idle ${config}: ${idle[config].at(-1).toFixed(3)}% of a core\n`);
  }
  for (const config of W2) {
    const result = run('logger-case.mjs', [config, 'W2', String(CALLS)]);
    w2[config].calls.push(result.callsPerSec);
    w2[config].cpu.push(result.cpuUsPerRecord);
    process.stderr.write(`run ${r + 1}/${RUNS} W2 ${config}: ${Math.round(result.callsPerSec)} calls/s\n`);
  }
}

const pct = (n) => `${n.toFixed(2)}%`;
const base = median(idle.none);
const baseCalls = median(w2['pulselog-nohealth'].calls);
const lines = [
  `Medians of ${RUNS} runs, each in a fresh process; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${new Date().toISOString().slice(0, 16)}Z.`,
  '',
  `Idle: CPU (user + system, every thread) of a process that logs one record and then waits ${IDLE_S} s, in percent of one core; what it adds to health off is the cost of the feature.`,
  '',
  '| setup | CPU, % of a core | added |',
  '|---|---:|---:|',
  ...IDLE.map(
    (c) =>
      `| ${c === 'none' ? 'health off' : c === 'health' ? 'health on (default)' : 'health and profiler'} | ${pct(median(idle[c]))} | ${c === 'none' ? '–' : pct(median(idle[c]) - base)} |`,
  ),
  '',
  `W2 (a message and 3 fields built per call), ${CALLS.toLocaleString('en-US')} calls per run through bench/logger-case.mjs (session file, no dashboard):`,
  '',
  '| setup | calls/s | vs health off | CPU µs/rec |',
  '|---|---:|---:|---:|',
  ...W2.map(
    (c) =>
      `| ${c} | ${Math.round(median(w2[c].calls)).toLocaleString('en-US')} | ${pct((median(w2[c].calls) / baseCalls - 1) * 100)} | ${median(w2[c].cpu).toFixed(2)} |`,
  ),
  '',
];
const table = lines.join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  const readme = here('README.md');
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf('## Health and profiler');
  const next = start < 0 ? -1 : text.indexOf('\n## ', start + 1);
  const section = `## Health and profiler\n\n\`node bench/insight.mjs --write\`. Health samples once a second (on by default); the profiler samples the main thread's stack every 10 ms and hands a chunk over every 2 s (\`profile: true\`).\n\n${table}\n`;
  const updated =
    start < 0
      ? `${text.trimEnd()}\n\n${section}`
      : `${text.slice(0, start)}${section}${next < 0 ? '' : text.slice(next + 1)}`;
  writeFileSync(readme, updated);
}
