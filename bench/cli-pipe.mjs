// `cmd | pulselog` against pino-pretty, on the same file of pino lines, in
// one run: `node bench/cli-pipe.mjs` after `pnpm build` (or
// `pnpm --filter @pulselog/bench bench:cli`).
//
// 1. A file of BENCH_LINES (default 1,000,000) lines written by a real pino
//    (info, warnings with fields, errors with stacks, child bindings).
// 2. pino-pretty: its CLI reads the file on stdin and writes text to a pipe
//    drained here; timed from its start to its end (its startup included,
//    a few ms of seconds).
// 3. pulselog: `pulselog --name bench` starts, a Chromium tab opens its
//    dashboard and connects, then the file is piped in; timed from the first
//    byte to the tab showing every record (the lines plus the `input ended`
//    divider): parsed, numbered, written to the session file and received
//    by the tab. The time at which pulselog says the input ended (every line
//    parsed and queued) is shown too: what is left after it is the tab's.
//    The tab is driven over a bare DevTools pipe (bare-chromium.mjs), as a
//    user's tab runs: Playwright's Network domain, on in every page it
//    drives, would have the tab copy each WebSocket message into a DevTools
//    event, at a third of the tab's CPU time.
//
// Each runs BENCH_RUNS times (default 3), each in a fresh process; medians of
// lines/s and their ratio are printed as a Markdown table. Under it, from
// Linux's /proc, the CPU time each part took per 1,000 records from the first
// byte to the tab showing the last: the tab's renderer process (every thread:
// script, style, layout, paint), the rest of Chromium (browser, network and
// GPU processes: sockets, IndexedDB, compositing) and the pulselog process.
// Unlike lines/s, these barely move with the machine's load, so they compare
// two builds on a busy machine.
//
// BENCH_PROFILE=DIR profiles each pulselog run instead of timing it alone: the
// tab's main thread (CDP `Profiler`) and every thread of the pulselog process
// (`--cpu-prof`) are written to DIR as `.cpuprofile` files, the WebSocket
// frames the tab received are counted (CDP `Network`), and the functions
// taking the most time of each profile are printed. The profilers' own cost
// makes those runs slower: compare them with each other, not with a table.
import { spawn } from 'node:child_process';
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { launchBareChromium } from './bare-chromium.mjs';
import { topFunctions } from './cpuprofile.mjs';
import { cpuMs, processTree, threadsCpu } from './proc-cpu.mjs';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROFILE = process.env.BENCH_PROFILE;
const require = createRequire(import.meta.url);
const PULSELOG = join(dirname(require.resolve('@pulselog/logger/package.json')), 'dist/cli.js');
const PINO_PRETTY = join(dirname(require.resolve('pino-pretty/package.json')), 'bin.js');

/** Writes `count` pino lines to `path` with pino itself. */
async function writePinoFile(path, count) {
  const destination = pino.destination({ dest: path, sync: false, minLength: 8192 });
  const log = pino({ level: 'info' }, destination);
  const request = log.child({ request_id: 'r-42', route: '/orders/:id' });
  const err = new TypeError('upstream unavailable', { cause: new Error('connection refused') });
  for (let i = 0; i < count; i++) {
    const kind = i % 20;
    if (kind === 0) request.error({ err, attempt: i % 3 }, 'request failed');
    else if (kind < 4) request.warn({ status: 429, ms: i % 900 }, 'slow upstream');
    else if (kind < 12) log.info({ user_id: i % 5000, status: 200, ms: i % 120 }, 'GET /orders/17');
    else log.info({ epoch: i % 100, loss: 1 / (1 + (i % 1000)) }, 'epoch done');
  }
  await new Promise((resolve) => {
    destination.once('close', resolve);
    destination.end();
  });
}

async function runPinoPretty(file) {
  const started = performance.now();
  const child = spawn(process.execPath, [PINO_PRETTY], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdout.resume();
  createReadStream(file).pipe(child.stdin);
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`pino-pretty exited with ${code}`);
  return performance.now() - started;
}

async function runPulselog(file, browser, run) {
  const cwd = mkdtempSync(join(tmpdir(), 'pulselog-bench-cli-'));
  const profileDir = PROFILE ? join(PROFILE, `run-${run}`) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const nodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, 'pulselog')] : [];
  const child = spawn(process.execPath, [...nodeFlags, PULSELOG, '--name', 'bench'], {
    cwd,
    env: { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: '0', CI: '' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  try {
    const url = await new Promise((resolve, reject) => {
      const check = () => {
        const match = /pulselog: dashboard at (\S+)/.exec(stderr);
        if (match) return resolve(match[1]);
        if (child.exitCode !== null) return reject(new Error(`pulselog: ${stderr}`));
        setTimeout(check, 20);
      };
      check();
    });
    const page = await browser.newPage(url);
    // Records received, not held: a tab keeps the newest 1,000,000, and this run sends one more.
    const count = () =>
      page.evaluate(
        `Number(document.querySelector('[data-testid="record-count"]')?.getAttribute('data-received') ?? '-1')`,
      );
    // Until the page has its first script context, evaluating fails: that is waited out as well.
    for (let waited = 0; (await count().catch(() => -1)) < 0; waited += 20) {
      if (waited > 30_000) throw new Error('the dashboard did not show its record count');
      await sleep(20);
    }
    const watch = profileDir ? await watchTab(page) : undefined;
    const chromiumBefore = processTree(browser.profile);
    const threadsBefore = new Map(chromiumBefore.map((p) => [p.pid, threadsCpu(p.pid)]));
    const pulselogBefore = cpuMs(child.pid);
    const started = performance.now();
    let parsedAt = Number.NaN;
    const onParsed = () => {
      if (Number.isNaN(parsedAt) && stderr.includes('pulselog: input ended')) parsedAt = performance.now();
    };
    child.stderr.on('data', onParsed);
    createReadStream(file).pipe(child.stdin);
    // Every line is a record, and the divider that says the input ended makes one more.
    while ((await count()) < LINES + 1) {
      if (child.exitCode !== null) throw new Error(`pulselog ended: ${stderr}`);
      await sleep(20);
    }
    const ms = performance.now() - started;
    const chromiumAfter = processTree(browser.profile);
    const cpu = chromiumCpu(chromiumBefore, chromiumAfter);
    if (profileDir) printThreads(threadsBefore, chromiumAfter);
    cpu.pulselog = cpuMs(child.pid) - pulselogBefore;
    if (watch && profileDir) {
      await watch.stop(profileDir, ms);
      // SIGINT, not SIGKILL, so that every thread writes its profile.
      child.kill('SIGINT');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      reportNodeProfiles(join(profileDir, 'pulselog'));
    }
    await page.close();
    return { ms, parsedMs: parsedAt - started, cpu };
  } finally {
    child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** CPU milliseconds Chromium took between two looks: its busiest renderer (the tab's), and the rest. */
function chromiumCpu(before, after) {
  const start = new Map(before.map((p) => [p.pid, p.cpuMs]));
  let tab = 0;
  let all = 0;
  for (const p of after) {
    const used = p.cpuMs - (start.get(p.pid) ?? 0);
    all += used;
    if (p.role === 'renderer' && used > tab) tab = used;
  }
  return { tab, chromium: all - tab };
}

/** Prints the CPU time each thread of Chromium's processes took, busiest first. */
function printThreads(before, after) {
  const rows = [];
  for (const p of after) {
    const start = before.get(p.pid) ?? new Map();
    for (const [name, ms] of threadsCpu(p.pid)) {
      const used = ms - (start.get(name) ?? 0);
      if (used >= 50) rows.push(`  ${String(Math.round(used)).padStart(7)} ms  ${p.role} ${p.pid}: ${name}`);
    }
  }
  console.log(`\nChromium's threads, CPU time during the run:\n${rows.sort().reverse().join('\n')}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts the tab's profiler and counts the WebSocket frames it receives; `stop` writes and prints what was seen. */
async function watchTab(page) {
  let frames = 0;
  let bytes = 0;
  page.on('Network.webSocketFrameReceived', ({ response }) => {
    frames++;
    bytes += response.payloadData.length;
  });
  await page.send('Network.enable');
  await page.send('Profiler.enable');
  await page.send('Profiler.setSamplingInterval', { interval: 500 });
  await page.send('Profiler.start');
  return {
    async stop(dir, ms) {
      const { profile } = await page.send('Profiler.stop');
      writeFileSync(join(dir, 'tab.cpuprofile'), JSON.stringify(profile));
      const seconds = ms / 1000;
      console.log(
        `\ntab: ${frames} WebSocket frames (${Math.round(frames / seconds)}/s), ` +
          `${Math.round(bytes / Math.max(1, frames) / 1024)} KiB of text each on average`,
      );
      printTop('tab main thread', profile);
      await page.send('Network.disable');
    },
  };
}

/** Prints the top functions of each thread's profile that `--cpu-prof` wrote to `dir`. */
function reportNodeProfiles(dir) {
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const profile = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    printTop(`pulselog ${name}`, profile);
  }
}

function printTop(title, profile) {
  const { total, idle, rows } = topFunctions(profile, 25);
  console.log(`\n${title}: ${(total / 1000).toFixed(0)} ms sampled, ${(idle / 1000).toFixed(0)} ms idle`);
  for (const row of rows) {
    console.log(`  ${(row.self / 1000).toFixed(1).padStart(8)} ms  ${row.name}  ${row.where}`);
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'pulselog-bench-pino-lines-'));
const file = join(dir, 'pino.log');
await writePinoFile(file, LINES);
const bytes = statSync(file).size;
const browser = await launchBareChromium('pulselog-bench-chromium-');
const pretty = [];
const ours = [];
const parsed = [];
const cpu = { tab: [], chromium: [], pulselog: [] };
try {
  for (let run = 0; run < RUNS; run++) {
    pretty.push(LINES / ((await runPinoPretty(file)) / 1000));
    const { ms, parsedMs, cpu: used } = await runPulselog(file, browser, run);
    ours.push(LINES / (ms / 1000));
    parsed.push(LINES / (parsedMs / 1000));
    for (const key of Object.keys(cpu)) cpu[key].push((used[key] / LINES) * 1000);
  }
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`\n${LINES.toLocaleString('en-US')} pino lines (${(bytes / 1e6).toFixed(0)} MB), median of ${RUNS} runs\n`);
console.log('| reader | lines/s | vs pino-pretty |');
console.log('| --- | ---: | ---: |');
console.log(`| pino-pretty (text to a pipe) | ${fmt(median(pretty))} | 1.00x |`);
console.log(
  `| \`cmd \\| pulselog\`: every line parsed, queued and the input's end said | ${fmt(median(parsed))} | ${(median(parsed) / median(pretty)).toFixed(2)}x |`,
);
console.log(
  `| \`cmd \\| pulselog\`: every record in the connected tab | ${fmt(median(ours))} | ${(median(ours) / median(pretty)).toFixed(2)}x |`,
);

if (cpu.tab.every(Number.isFinite) && cpu.tab.some((ms) => ms > 0)) {
  console.log('\nCPU time per 1,000 records, from the first byte to the tab showing the last (medians)\n');
  console.log('| process | CPU ms per 1,000 records |');
  console.log('| --- | ---: |');
  console.log(`| the tab's renderer | ${median(cpu.tab).toFixed(1)} |`);
  console.log(`| the rest of Chromium | ${median(cpu.chromium).toFixed(1)} |`);
  console.log(`| pulselog | ${median(cpu.pulselog).toFixed(1)} |`);
}
