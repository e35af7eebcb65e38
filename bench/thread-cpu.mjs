// CPU time per record of the logging thread and of the pipeline thread, for
// W1 and W2 (or the workloads named as arguments: W3, W4, …), read from Linux's /proc: unlike calls/s and delivered/s, these
// barely move with the machine's load, so they compare two builds on a busy
// machine. `node bench/thread-cpu.mjs` after `pnpm build`; with
// AB_OLD=/path/to/old/checkout (built) that build too, interleaved run by run.
// TC_RUNS (5) runs of TC_CALLS (2,000,000) calls each, every run in a fresh
// process (thread-cpu-case.mjs); medians. Linux only (it reads /proc).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const trees = {};
if (process.env.AB_OLD) trees.old = process.env.AB_OLD;
trees.new = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.TC_RUNS ?? 5);
const calls = process.env.TC_CALLS ?? '2000000';
const workloads = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['W1', 'W2'];
const caseScript = fileURLToPath(new URL('./thread-cpu-case.mjs', import.meta.url));

const results = new Map();
for (let r = 0; r < runs; r++) {
  for (const workload of workloads) {
    for (const [build, tree] of Object.entries(trees)) {
      const out = execFileSync(process.execPath, [caseScript, tree, workload, calls], { encoding: 'utf8' });
      const line = JSON.parse(out.trim().split('\n').at(-1));
      const key = `${workload}\u0000${build}`;
      if (!results.has(key)) results.set(key, []);
      results.get(key).push(line);
      console.error(workload, build, JSON.stringify(line));
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(`\n${calls} calls a run, medians of ${runs} runs; CPU µs per record\n`);
console.log('| workload | build | logging thread | pipeline thread | other threads |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const [key, lines] of results) {
  const [workload, build] = key.split('\u0000');
  const cell = (k) => median(lines.map((l) => l[k])).toFixed(3);
  console.log(
    `| ${workload} | ${build} | ${cell('loggingUsPerRecord')} | ${cell('pipelineUsPerRecord')} | ${cell('restUsPerRecord')} |`,
  );
}
