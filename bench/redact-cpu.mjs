// The cost of `redact` on the logging thread, measured in its own CPU time:
// `pnpm build`, then `node bench/redact-cpu.mjs`.
// Environment: BENCH_CALLS (default 500000 timed calls per run), BENCH_RUNS (default 7).
// W2 (`log.info('request done', { user_id, latency_ms, status })`, fields built
// per call) through a logger without `redact` and one with the typical list
// (`password`, `headers.authorization`, `*.secret`, `**.token`), each run in a
// fresh process, the two alternating run by run. The figure is the CPU time
// of the calling thread alone (`/proc/thread-self/schedstat`, Linux), calls
// and the drains between them included, so that neither the pipeline thread
// nor other programs on a loaded machine count: on a quiet machine with a core
// per thread, it is what limits calls/s (`bench/redact-w2.mjs` measures those).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { setup, WORKLOADS } from './logger-workloads.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 500_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARMUP = 20_000;
/** Calls between turns of the event loop, as in logger-case.mjs. */
const CHUNK = 1000;
const CONFIGS = ['pulselog', 'pulselog+redact'];

/** CPU time of the calling thread so far, in ns. */
const threadCpuNs = () => Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);

/** One run in this process: prints `{ config, cpuNsPerCall, wallNsPerCall }`. */
async function child(config) {
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-redact-cpu-'));
  process.chdir(dir);
  const target = await setup(config, dir);
  const call = WORKLOADS.W2.pulselog;
  const { log } = target;
  let i = 0;
  for (let n = 0; n < WARMUP; n += CHUNK) {
    for (let k = 0; k < CHUNK; k++) call(log, i++);
    await yieldToLoop();
  }
  await target.flush();
  const cpu0 = threadCpuNs();
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < CALLS; done += CHUNK) {
    for (let k = 0; k < CHUNK; k++) call(log, i++);
    await yieldToLoop();
  }
  const wall = Number(process.hrtime.bigint() - t0);
  const cpu = threadCpuNs() - cpu0;
  await target.flush();
  await target.end();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ config, cpuNsPerCall: cpu / CALLS, wallNsPerCall: wall / CALLS }));
  process.exit(0);
}

function parent() {
  const script = fileURLToPath(import.meta.url);
  const results = Object.fromEntries(CONFIGS.map((c) => [c, []]));
  for (let run = 0; run < RUNS; run++) {
    // Alternate which goes first, so that a slow spell of the machine falls on both alike.
    const order = run % 2 === 0 ? CONFIGS : [...CONFIGS].reverse();
    for (const config of order) {
      const out = spawnSync(process.execPath, [script, config], {
        encoding: 'utf8',
        env: { ...process.env, CI: '', PULSELOG_OPEN: '0' },
        timeout: 600_000,
      });
      if (out.status !== 0) throw new Error(`${config} failed:\n${out.stderr}`);
      const r = JSON.parse(out.stdout.trim().split('\n').pop());
      results[config].push(r);
      process.stderr.write(`run ${run + 1}/${RUNS} ${config}: ${r.cpuNsPerCall.toFixed(1)} CPU ns/call\n`);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const cpu = (c) => median(results[c].map((r) => r.cpuNsPerCall));
  const wall = (c) => median(results[c].map((r) => r.wallNsPerCall));
  const base = cpu('pulselog');
  console.log(
    `W2, ${CALLS.toLocaleString('en-US')} timed calls per run, medians of ${RUNS} runs, node ${process.version}.\n`,
  );
  console.log('| setup | CPU ns per call | calls/s by CPU, vs without redact | wall ns per call |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const c of CONFIGS) {
    console.log(`| ${c} | ${cpu(c).toFixed(1)} | ${(base / cpu(c)).toFixed(2)}x | ${wall(c).toFixed(1)} |`);
  }
}

if (process.argv[2] !== undefined) await child(process.argv[2]);
else parent();
