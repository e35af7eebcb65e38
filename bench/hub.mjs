// The dashboard hub's benchmark: `pnpm --filter @pulselog/bench bench:hub`
// (or `node bench/hub.mjs`; build first with `pnpm --filter @pulselog/logger build`).
// Every measurement runs in a fresh process, with its WebSocket clients in
// another one; the table reports medians over the runs. Clients offer
// permessage-deflate, as browsers do.
//
// - live: clients are connected, then the program logs; records/s each client receives.
// - late tab: the program logged first; clients connect and receive the replay.
// - ws-broadcast: a bare `ws` server sending each client every batch it builds,
//   with no replay, backpressure or security: the baseline, in the same run.
// - stalled client: one client that reads nothing while 1,000,000 records pass.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RECORDS = Number(process.env.BENCH_HUB_RECORDS ?? 300_000);
const CLIENTS = [1, 4, 16];
const CASE = fileURLToPath(new URL('./hub-case.mjs', import.meta.url));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;

function run(...args) {
  const out = spawnSync(process.execPath, [CASE, ...args.map(String)], { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`hub-case ${args.join(' ')} failed:\n${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').pop());
}

const results = {};
for (let r = 0; r < RUNS; r++) {
  for (const clients of CLIENTS) {
    for (const [system, mode] of [
      ['pulselog', 'live'],
      ['pulselog', 'late'],
      ['ws-broadcast', 'live'],
    ]) {
      const key = `${system} ${mode} ${clients}`;
      results[key] ??= [];
      results[key].push(run(system, mode, clients, RECORDS, 'deflate').perClient);
    }
  }
}

console.log(`Hub delivery, ${fmt(RECORDS)} records, median of ${RUNS} runs, node ${process.version}`);
console.log(
  '| clients | pulselog live, rec/s per client | all clients | ws-broadcast baseline | vs baseline | late tab (replay), rec/s per client |',
);
console.log('|---:|---:|---:|---:|---:|---:|');
for (const clients of CLIENTS) {
  const live = median(results[`pulselog live ${clients}`]);
  const base = median(results[`ws-broadcast live ${clients}`]);
  const late = median(results[`pulselog late ${clients}`]);
  console.log(
    `| ${clients} | ${fmt(live)} | ${fmt(live * clients)} | ${fmt(base)} | ${(live / base).toFixed(2)}x | ${fmt(late)} |`,
  );
}

const stall = run('pulselog', 'stall', 1, 1_000_000, 'deflate');
const m = stall.after.memory;
console.log('');
console.log('Hub memory with one stalled client, 1,000,000 records, default replay bounds');
console.log(
  '| hub heap used | heap limit | outside the heap | queued for the client | replay buffer | records delivered |',
);
console.log('|---:|---:|---:|---:|---:|---:|');
console.log(
  `| ${mb(m.heapUsed)} | ${mb(m.heapLimit)} | ${mb(m.external)} | ${mb(stall.after.buffered)} | ${mb(stall.after.replay.bytes)} (${fmt(stall.after.replay.records)} records) | ${fmt(stall.after.sent)} |`,
);
