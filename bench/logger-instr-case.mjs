// One logger, one workload, a fixed number of calls, for counting instructions
// under callgrind (logger-instr.mjs runs it): no timing, no figures.
// `node logger-instr-case.mjs <checkout> <W1 or W2> <calls>`: `checkout` is a
// built pulselog tree, so that an older build runs the very same calls.
// `os.getPriority()` marks the counted window: callgrind, told to dump before
// `uv_os_getpriority`, then counts the logging thread's calls alone, after
// the warm-up and before the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [checkout, workload, callsArg] = process.argv.slice(2);
const calls = Number(callsArg);
const CALLS = {
  W1: (log) => log.info('hello world'),
  W2: (log, i) => log.info('request done', { user_id: i, latency_ms: 12.5, status: 200 }),
};
const call = CALLS[workload];
if (!checkout || !call || !Number.isInteger(calls)) {
  console.error('usage: node logger-instr-case.mjs <checkout> <W1|W2> <calls>');
  process.exit(2);
}
/** Calls between turns of the event loop, as in logger-case.mjs. */
const CHUNK = 1000;
/** Calls before the counted ones: enough for V8 to have optimized the call path. */
const WARMUP = 100_000;

const dir = mkdtempSync(join(tmpdir(), 'pulselog-instr-'));
process.chdir(dir);
const { Logger } = await import(pathToFileURL(join(checkout, 'packages/logger/dist/index.js')).href);
const log = new Logger('bench', { dashboard: false, open: false, level: 'info', linger: 0 });

async function run(n, from) {
  for (let done = 0; done < n; done += CHUNK) {
    const end = Math.min(n, done + CHUNK);
    for (let i = done; i < end; i++) call(log, from + i);
    await yieldToLoop();
  }
  await log.flush();
}
await run(WARMUP, 0);
getPriority();
await run(calls, WARMUP);
getPriority();
await log.shutdown();
rmSync(dir, { recursive: true, force: true });
