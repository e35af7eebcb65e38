// One run of one logger on one workload, in a fresh process:
// `node logger-case.mjs <config> <W1, W2, W2p, W2s, W3 or W4> <calls>`; prints one JSON line of figures.
// Started by logger.mjs; see there for what is measured.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { setup, WORKLOADS } from './logger-workloads.mjs';

const [config, workload, callsArg] = process.argv.slice(2);
const CALLS = Number(callsArg);
const WARMUP = 10_000;
const LATENCY_CALLS = Math.min(100_000, CALLS);
/** Calls between turns of the event loop, as a busy program would make them. */
const CHUNK = 1000;
const dir = mkdtempSync(join(tmpdir(), 'pulselog-bench-'));
process.chdir(dir);
const now = () => performance.timeOrigin + performance.now();

/**
 * Counts record lines in `file`, reading only what was appended since the
 * last call. Lines are found with a byte search, so that counting (which runs
 * while the figures are taken) costs every logger little and alike.
 */
function lineCounter(file, isRecord) {
  let offset = 0;
  let count = 0;
  let carry = Buffer.alloc(0);
  const buffer = Buffer.alloc(1 << 20);
  return () => {
    let fd;
    try {
      fd = openSync(file, 'r');
    } catch {
      return count;
    }
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, offset);
      if (n === 0) break;
      offset += n;
      const chunk = carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, n)]) : buffer.subarray(0, n);
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
        if (nl > start && isRecord(chunk, start)) count++;
        start = nl + 1;
      }
      carry = Buffer.from(chunk.subarray(start));
    }
    closeSync(fd);
    return count;
  };
}

async function waitForLines(count, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (count() < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
  return now();
}

function startClient(url, mark, total) {
  const script = fileURLToPath(new URL('./logger-ws-client.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, url, String(mark), String(total)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events = {};
  const waiters = {};
  createInterface({ input: child.stdout }).on('line', (line) => {
    const e = JSON.parse(line);
    events[e.t] = e;
    waiters[e.t]?.(e);
  });
  const waitFor = (t, timeoutMs) =>
    events[t]
      ? Promise.resolve(events[t])
      : new Promise((resolve) => {
          waiters[t] = resolve;
          setTimeout(() => resolve(undefined), timeoutMs).unref();
        });
  return { child, waitFor };
}

const target = await setup(config, dir);
const w = WORKLOADS[workload];
const arg = w.setup?.();
const call = w[target.style];
const log = target.log;
const count = lineCounter(target.file, target.isRecord);
const total = WARMUP + CALLS + LATENCY_CALLS;
const client = target.url ? startClient(target.url, WARMUP + CALLS, total) : undefined;
if (client) await client.waitFor('ready', 20_000);

/** Everything timed, run inside the workload's `around` when it has one (W2s: an active span). */
async function measure() {
  let i = 0;
  for (let n = 0; n < WARMUP; n++) call(log, i++, arg);
  await target.flush();
  await waitForLines(count, WARMUP, 60_000);

  // Throughput: calls/s over the calls; delivered/s until the file holds them all.
  const eld = monitorEventLoopDelay({ resolution: 1 });
  const cpu0 = process.cpuUsage();
  eld.enable();
  const t0 = now();
  for (let done = 0; done < CALLS; done += CHUNK) {
    const end = Math.min(CALLS, done + CHUNK);
    for (let n = done; n < end; n++) call(log, i++, arg);
    await yieldToLoop();
  }
  const t1 = now();
  eld.disable();
  // Lines are counted while the logger finishes, a little at a time: the
  // clock stops when the last one is in the file, not after reading the whole
  // file once more, which would add the same tenth of a second to every setup.
  const [, t2] = await Promise.all([target.flush(), waitForLines(count, WARMUP + CALLS, 120_000)]);
  const cpu = process.cpuUsage(cpu0);
  const mark = client ? await client.waitFor('mark', 120_000) : undefined;

  // Latency: each call timed on its own (timer overhead included in the figures).
  const lat = new Float64Array(LATENCY_CALLS);
  for (let done = 0; done < LATENCY_CALLS; done += CHUNK) {
    const end = Math.min(LATENCY_CALLS, done + CHUNK);
    for (let n = done; n < end; n++) {
      const a = process.hrtime.bigint();
      call(log, i++, arg);
      lat[n] = Number(process.hrtime.bigint() - a);
    }
    await yieldToLoop();
  }
  lat.sort();
  const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] / 1000;

  await target.flush();
  await waitForLines(count, total, 120_000);
  await target.end();
  const lines = count();
  const done = client ? await client.waitFor('done', 30_000) : undefined;
  client?.child.kill();
  return { t0, t1, t2, cpu, eld, mark, pct, lines, done };
}

const { t0, t1, t2, cpu, eld, mark, pct, lines, done } = await (w.around ? w.around(measure) : measure());
const result = {
  config,
  workload,
  calls: CALLS,
  callsPerSec: CALLS / ((t1 - t0) / 1000),
  deliveredPerSec: CALLS / ((t2 - t0) / 1000),
  // Records the client got by the end of the timed calls, per second (missed ones not counted).
  receivedPerSec: mark ? (CALLS - (mark.missed ?? 0)) / ((mark.at - t0) / 1000) : undefined,
  received: client ? (done?.received ?? mark?.received ?? 0) : undefined,
  missed: client ? (done?.missed ?? mark?.missed ?? 0) : undefined,
  p50: pct(0.5),
  p99: pct(0.99),
  p999: pct(0.999),
  cpuUsPerRecord: (cpu.user + cpu.system) / CALLS,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  eldMaxMs: eld.max / 1e6,
  eldP99Ms: eld.percentile(99) / 1e6,
  lost: total - lines,
};
console.log(JSON.stringify(result));
rmSync(dir, { recursive: true, force: true });
process.exit(0);
