// Instructions per log call on the logging thread, counted by valgrind's
// callgrind: a figure that does not move with the machine's load, for
// comparing builds on a busy machine where calls/s swing by a fifth.
// `node bench/logger-instr.mjs [W1|W2 …]` counts this build; with
// AB_OLD=/path/to/old/checkout (built with `pnpm build`) that one too, side by side.
// INSTR_CALLS (50,000) calls are counted after a warm-up of 100,000, in the
// window logger-instr-case.mjs marks; INSTR_RUNS (1) runs of each. Counted:
// everything the logging thread does in the window, the call itself, the
// drains, the event loop's turns and, with --single-threaded, V8's compiler
// and collector, in the same order every run. Needs `valgrind`; a run takes
// a minute or more (several on a loaded machine).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const trees = { new: join(here, '..') };
if (process.env.AB_OLD) trees.old = process.env.AB_OLD;
const workloads = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['W1', 'W2'];
const calls = Number(process.env.INSTR_CALLS ?? 50_000);
const runs = Number(process.env.INSTR_RUNS ?? 1);

/** Instructions of the logging thread (callgrind's thread 1) between the two marks, per call. */
function count(tree, workload) {
  const out = mkdtempSync(join(tmpdir(), 'pulselog-callgrind-'));
  try {
    execFileSync(
      'valgrind',
      [
        '--tool=callgrind',
        '--separate-threads=yes',
        '--dump-before=uv_os_getpriority',
        `--callgrind-out-file=${join(out, 'cg')}`,
        process.execPath,
        // V8's compiler and collector on the logging thread: counted there, in the same order every run.
        '--single-threaded',
        join(here, 'logger-instr-case.mjs'),
        tree,
        workload,
        String(calls),
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PULSELOG_DASHBOARD: '0', PULSELOG_HEALTH: '0' } },
    );
    // Dump 1 ends at the first mark; dump 2 is the window between the marks (thread 1: `-01`).
    const text = readFileSync(join(out, 'cg.2-01'), 'utf8');
    return Math.round(Number(/^summary: (\d+)/m.exec(text)?.[1]) / calls);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

for (const workload of workloads) {
  for (const [build, tree] of Object.entries(trees)) {
    const perCall = Array.from({ length: runs }, () => count(tree, workload));
    console.log(JSON.stringify({ workload, build, calls, instructionsPerCall: perCall }));
  }
}
