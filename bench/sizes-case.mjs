// One run of one logger on one value size, in a fresh process:
// `node sizes-case.mjs <config> <10KB|10MB> <msg|field> <calls>`; prints one JSON line of figures.
// Started by sizes.mjs; see there for what is measured.
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { setup } from './logger-workloads.mjs';

const [config, size, shape, callsArg] = process.argv.slice(2);
const BYTES = { '10KB': 10_000, '10MB': 10_000_000 }[size];
if (BYTES === undefined || !['msg', 'field'].includes(shape))
  throw new Error(`unknown size or shape: ${size} ${shape}`);
const CALLS = Number(callsArg);
const WARMUP = Math.max(2, Math.min(1000, Math.floor(CALLS / 10)));
/** Calls between turns of the event loop: about 10 MB of values per turn. */
const CHUNK = Math.max(1, Math.floor(10_000_000 / BYTES));
const dir = mkdtempSync(join(tmpdir(), 'pulselog-bench-sizes-'));
process.chdir(dir);
const now = () => performance.timeOrigin + performance.now();

// One value, built once, as a program logs a response body it holds: the cost measured is the logger's.
const value = `${'x'.repeat(BYTES - 16)}0123456789abcdef`;
const CALL = {
  pulselog: { msg: (log) => log.info(value), field: (log) => log.info('payload', { body: value }) },
  pino: { msg: (log) => log.info(value), field: (log) => log.info({ body: value }, 'payload') },
};

/**
 * Counts record lines in `file` and the shortest of them, reading only what
 * was appended since the last call: a record whose value was cut shows as
 * shorter than the value.
 */
function lineCounter(file, isRecord) {
  let offset = 0;
  let count = 0;
  let shortest = Number.POSITIVE_INFINITY;
  let lineStart = 0;
  let first = Buffer.alloc(0);
  const buffer = Buffer.alloc(1 << 22);
  const counter = () => {
    let fd;
    try {
      fd = openSync(file, 'r');
    } catch {
      return count;
    }
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n === 0) break;
      // The first bytes of the line being read, to tell a record from a header.
      if (first.length < 4) first = Buffer.concat([first, buffer.subarray(0, Math.min(n, 4 - first.length))]);
      let start = 0;
      for (let nl = buffer.indexOf(10, start); nl >= 0 && nl < n; nl = buffer.indexOf(10, start)) {
        const length = offset + nl - lineStart;
        if (length > 0 && isRecord(first, 0)) {
          count++;
          shortest = Math.min(shortest, length);
        }
        lineStart = offset + nl + 1;
        start = nl + 1;
        first = Buffer.from(buffer.subarray(start, Math.min(n, start + 4)));
      }
      offset += n;
    }
    closeSync(fd);
    return count;
  };
  counter.shortest = () => shortest;
  return counter;
}

async function waitForLines(count, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (count() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  return now();
}

const target = await setup(config, dir);
const call = CALL[target.style][shape];
const log = target.log;
const count = lineCounter(target.file, target.isRecord);

for (let n = 0; n < WARMUP; n++) call(log);
await target.flush();
await waitForLines(count, WARMUP, 120_000);

const cpu0 = process.cpuUsage();
const t0 = now();
for (let done = 0; done < CALLS; done += CHUNK) {
  const end = Math.min(CALLS, done + CHUNK);
  for (let n = done; n < end; n++) call(log);
  await yieldToLoop();
}
const t1 = now();
const [, t2] = await Promise.all([target.flush(), waitForLines(count, WARMUP + CALLS, 300_000)]);
const cpu = process.cpuUsage(cpu0);
await target.end();
const lines = count();
const result = {
  config,
  size,
  shape,
  calls: CALLS,
  callsPerSec: CALLS / ((t1 - t0) / 1000),
  deliveredPerSec: CALLS / ((t2 - t0) / 1000),
  deliveredMBps: (CALLS * BYTES) / 1e6 / ((t2 - t0) / 1000),
  cpuUsPerRecord: (cpu.user + cpu.system) / CALLS,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  lost: WARMUP + CALLS - lines,
  // Every record holds the value whole: its line is longer than the value.
  whole: count.shortest() > BYTES,
};
console.log(JSON.stringify(result));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
