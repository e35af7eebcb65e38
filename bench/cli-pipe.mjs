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
//
// Each runs BENCH_RUNS times (default 3), each in a fresh process; medians of
// lines/s and their ratio are printed as a Markdown table.
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { launchChromium } from '../scripts/chromium.mjs';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
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

async function runPulselog(file, browser) {
  const cwd = mkdtempSync(join(tmpdir(), 'pulselog-bench-cli-'));
  const child = spawn(process.execPath, [PULSELOG, '--name', 'bench'], {
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
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.waitForSelector('[data-testid="record-count"]');
    const count = () =>
      page.evaluate(() =>
        Number.parseInt(document.querySelector('[data-testid="record-count"]')?.textContent ?? '0', 10),
      );
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
      await page.waitForTimeout(20);
    }
    const ms = performance.now() - started;
    await page.close();
    return { ms, parsedMs: parsedAt - started };
  } finally {
    child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const dir = mkdtempSync(join(tmpdir(), 'pulselog-bench-pino-lines-'));
const file = join(dir, 'pino.log');
await writePinoFile(file, LINES);
const bytes = statSync(file).size;
const browser = await launchChromium('pulselog-bench-chromium-');
const pretty = [];
const ours = [];
const parsed = [];
try {
  for (let run = 0; run < RUNS; run++) {
    pretty.push(LINES / ((await runPinoPretty(file)) / 1000));
    const { ms, parsedMs } = await runPulselog(file, browser);
    ours.push(LINES / (ms / 1000));
    parsed.push(LINES / (parsedMs / 1000));
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
