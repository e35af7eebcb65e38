// One run for thread-cpu.mjs, in a fresh process: CPU time per record of each
// thread of a logging process, read from Linux's /proc, which the machine's
// load barely moves. `node thread-cpu-case.mjs <checkout> <workload> <calls>`
// (a workload of logger-workloads.mjs):
// `checkout` is a built pulselog tree, so that an older build runs the very
// same calls. Prints one JSON line.
//
// The logger writes its session file, no dashboard, as logger.mjs's
// `pulselog` setup does. After a warm-up, `calls` calls in turns
// of 1,000 and a `flush()`: every record is in the file when the counters
// are read. The logging thread is the process's first thread; the pipeline
// thread is the busiest of the others (the rest: V8's helpers, libuv).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { WORKLOADS } from './logger-workloads.mjs';

const [checkout, workload, callsArg] = process.argv.slice(2);
const calls = Number(callsArg);
const w = WORKLOADS[workload];
const arg = w?.setup?.();
const call = w && ((log, i) => w.pulselog(log, i, arg));
if (!checkout || !call || !Number.isInteger(calls)) {
  console.error(`usage: node thread-cpu-case.mjs <checkout> <${Object.keys(WORKLOADS).join('|')}> <calls>`);
  process.exit(2);
}
const WARMUP = 50_000;
/** Linux's clock ticks per second in /proc's times. */
const TICKS = 100;

/** CPU ms of each thread of this process so far, by thread id. */
function threadsCpu() {
  const byThread = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    const text = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The thread's name may hold spaces: fields are counted after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    byThread.set(tid, ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS);
  }
  return byThread;
}

const dir = mkdtempSync(join(tmpdir(), 'pulselog-thread-cpu-'));
process.chdir(dir);
const { Logger } = await import(pathToFileURL(join(checkout, 'packages/logger/dist/index.js')).href);
const log = new Logger('bench', { dashboard: false, open: false, linger: 0 });

async function run(n, from) {
  for (let done = 0; done < n; done += 1000) {
    const end = Math.min(n, done + 1000);
    for (let i = done; i < end; i++) call(log, from + i);
    await yieldToLoop();
  }
  await log.flush();
}

await run(WARMUP, 0);
const before = threadsCpu();
await run(calls, WARMUP);
const after = threadsCpu();
const perRecord = (ms) => (ms * 1000) / calls;
let logging = 0;
const others = [];
for (const [tid, ms] of after) {
  const used = ms - (before.get(tid) ?? 0);
  if (tid === String(process.pid)) logging = used;
  else others.push(used);
}
others.sort((a, b) => b - a);
console.log(
  JSON.stringify({
    workload,
    calls,
    loggingUsPerRecord: perRecord(logging),
    pipelineUsPerRecord: perRecord(others[0] ?? 0),
    restUsPerRecord: perRecord(others.slice(1).reduce((a, b) => a + b, 0)),
  }),
);
await log.shutdown();
rmSync(dir, { recursive: true, force: true });
process.exit(0);
