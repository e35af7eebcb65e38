// The hot path of a logger that joined another's dashboard, beside one with a
// dashboard of its own: the same calls in the main thread of a program with a
// dashboard, in a worker_threads worker and in a forked child that join it.
//
//   node bench/join.mjs [--count 500000] [--runs 3]
//
// Each configuration runs in a fresh process, `--runs` times; medians are
// shown. Calls are W2 of bench/logger.mjs (a message and 3 fields built per
// call), in turns of 1,000 calls per event-loop turn. "ns/call" is the time
// inside the turns over the calls (the hot path); "delivered/s" runs from the
// first call until `flush()` resolves, i.e. until the dashboard's process has
// every record; "in file" counts the records the dashboard's session file
// holds at the end (it must equal the calls).
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Logger } from '@pulselog/logger';

const SELF = fileURLToPath(import.meta.url);
const CASES = {
  'main thread, own dashboard': 'main',
  'worker thread, joined': 'worker',
  'forked child, joined': 'child',
};

/** Logs `count` W2 calls in turns of 1,000; resolves with the hot-path ns per call and the delivery time. */
async function workload(log, count) {
  let inside = 0n;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1000) {
    const t0 = process.hrtime.bigint();
    const end = Math.min(count, i + 1000);
    for (let j = i; j < end; j++) log.info('request done', { user_id: j, latency_ms: 12.5, status: 200 });
    inside += process.hrtime.bigint() - t0;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const ok = await log.flush({ timeout: 120_000 });
  const deliveredMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { nsPerCall: Number(inside) / count, deliveredMs, ok };
}

/** Records in the session file(s) of the current folder. */
function recordsInFile() {
  const dir = join(process.cwd(), '.pulselog', 'sessions');
  let n = 0;
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) if (line.startsWith('{"seq"')) n++;
  }
  return n;
}

/** One run of a case, in this process: prints its result as a JSON line. */
async function runCase(kind, count) {
  if (kind === 'main') {
    const log = new Logger('bench');
    await log.dashboardUrl();
    const result = await workload(log, count);
    await log.shutdown();
    return { ...result, inFile: recordsInFile() };
  }
  const parent = new Logger('parent');
  await parent.dashboardUrl();
  const result = await new Promise((resolve, reject) => {
    const joiner =
      kind === 'worker'
        ? new Worker(SELF, { workerData: { count } })
        : fork(SELF, ['--joiner', '--count', String(count)], { stdio: 'inherit' });
    joiner.once('message', resolve);
    joiner.once('error', reject);
  });
  await parent.flush();
  await parent.shutdown();
  return { ...result, inFile: recordsInFile() };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

async function main() {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '500000' },
      runs: { type: 'string', default: '3' },
      case: { type: 'string' },
      joiner: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const count = Number(values.count);
  if (values.help || !Number.isInteger(count) || count < 1) {
    process.stdout.write('Usage: node bench/join.mjs [--count 500000] [--runs 3]\n');
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  if (values.joiner) {
    const log = new Logger('bench');
    process.send?.(await workload(log, count));
    return;
  }
  if (values.case) {
    process.stdout.write(`${JSON.stringify(await runCase(values.case, count))}\n`);
    return;
  }
  const rows = ['| setup | ns/call (hot path) | delivered/s | in file |', '| --- | ---: | ---: | ---: |'];
  for (const [label, kind] of Object.entries(CASES)) {
    const results = [];
    for (let run = 0; run < Number(values.runs); run++) {
      const cwd = mkdtempSync(join(tmpdir(), 'pulselog-bench-join-'));
      const env = { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: '0', PULSELOG_LINGER: '0' };
      delete env.CI;
      delete env.PULSELOG_JOIN;
      const child = spawnSync(process.execPath, [SELF, '--case', kind, '--count', String(count)], {
        cwd,
        env,
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      });
      const line = child.stdout.trim().split('\n').at(-1) ?? '';
      if (child.status !== 0 || !line.startsWith('{')) {
        throw new Error(`${label} failed (exit ${child.status}):\n${child.stderr}`);
      }
      results.push(JSON.parse(line));
    }
    const ns = median(results.map((r) => r.nsPerCall));
    const perSecond = median(results.map((r) => count / (r.deliveredMs / 1000)));
    const inFile = Math.min(...results.map((r) => r.inFile));
    rows.push(
      `| ${label} | ${ns.toFixed(0)} | ${Math.round(perSecond).toLocaleString('en-US')} | ${inFile.toLocaleString('en-US')}${inFile === count ? '' : ` (expected ${count.toLocaleString('en-US')})`} |`,
    );
  }
  process.stdout.write(
    `${count.toLocaleString('en-US')} calls, medians of ${values.runs} runs\n\n${rows.join('\n')}\n`,
  );
}

if (isMainThread) await main();
else parentPort?.postMessage(await workload(new Logger('bench'), workerData.count));
