// A/B of the logger's hot path between two builds: W1 and W2 through
// bench/logger-case.mjs of an older checkout (AB_OLD, built with `pnpm build`)
// and of this one, interleaved round by round, medians. `node bench/logger-ab.mjs`
// with AB_OLD=/path/to/old/checkout; AB_RUNS (5) and AB_CALLS (500,000).

import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const old = process.env.AB_OLD;
if (!old) {
  console.error(
    'AB_OLD must name a built checkout of the older build (git worktree add --detach DIR COMMIT; pnpm install; pnpm build)',
  );
  process.exit(2);
}
const trees = { old, new: fileURLToPath(new URL('..', import.meta.url)) };
const cases = [
  ['old', 'pulselog'],
  ['new', 'pulselog'],
  ['new', 'pulselog-nohealth'],
];
const runs = Number(process.env.AB_RUNS ?? 5);
const calls = process.env.AB_CALLS ?? '500000';
const results = {};
for (let r = 0; r < runs; r++) {
  for (const w of ['W1', 'W2']) {
    for (const [tree, config] of cases) {
      const out = execFileSync(process.execPath, [`${trees[tree]}/bench/logger-case.mjs`, config, w, calls], {
        encoding: 'utf8',
      });
      const line = JSON.parse(out.trim().split('\n').at(-1));
      const key = `${w} ${tree} ${config}`;
      if (!results[key]) results[key] = [];
      results[key].push(line);
      console.error(key, line.callsPerSec ?? line.calls_per_s, line.p99);
    }
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
for (const [key, lines] of Object.entries(results)) {
  const pick = (k) => median(lines.map((l) => l[k]));
  console.log(
    key,
    JSON.stringify(
      Object.fromEntries(
        Object.keys(lines[0])
          .filter((k) => typeof lines[0][k] === 'number')
          .map((k) => [k, pick(k)]),
      ),
    ),
  );
}
