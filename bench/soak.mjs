// A long run: a program logs 50,000 records a second for 10 minutes with a
// dashboard tab open in Chromium. Samples, every SAMPLE seconds: the
// program's RSS, the hub thread's heap (its /api/health), the tab's JS heap
// (CDP, after a garbage collection), the records the tab received and holds,
// and how responsive the tab is (from a request to the next frame it paints,
// and the longest main-thread task since the last sample). At the end:
// records logged, in the session file, dropped, passed over by the dashboard.
// The last step of `pnpm bench`; not part of `pnpm test`. After `pnpm build`:
//
//   node bench/soak.mjs [--minutes 10] [--rate 50000] [--samples 20] [--keep N] [--tab-mb M]
//
// `--keep` is the records the tab holds (`?keep=`; the page's own default,
// 1,000,000, unless given); `--tab-mb` the bound its heap must stay under
// (default: 100 MB plus 300 bytes a record held). Prints a Markdown table and
// the verdicts for bench/README.md; exits 1 when a record is missing from the
// file or dropped, or when in the run's second half the tab holds more than
// `--keep` records or its heap passes `--tab-mb`.
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchChromium } from '../scripts/chromium.mjs';

/** The records a tab holds unless told otherwise (`DEFAULT_LIMIT` in the page's `model/session.ts`). */
const PAGE_KEEP = 1_000_000;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '50000' },
    samples: { type: 'string', default: '20' },
    keep: { type: 'string', default: String(PAGE_KEEP) },
    'tab-mb': { type: 'string' },
    help: { type: 'boolean' },
  },
});
if (values.help) {
  process.stdout.write(
    'usage: node bench/soak.mjs [--minutes 10] [--rate 50000] [--samples 20] [--keep 1000000] [--tab-mb M]\n' +
      '  --keep    records the tab holds (the page evicts the oldest past it)\n' +
      '  --tab-mb  bound on the tab heap in the second half, MB (default 100 + 300 bytes a record kept)\n',
  );
  process.exit(0);
}
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const samples = Number(values.samples);
const keep = Number(values.keep);
const tabBoundMb =
  values['tab-mb'] === undefined ? Math.ceil(100 + (keep * 300) / (1024 * 1024)) : Number(values['tab-mb']);
for (const [name, value] of [
  ['--minutes', minutes],
  ['--rate', rate],
  ['--samples', samples],
  ['--keep', keep],
  ['--tab-mb', tabBoundMb],
]) {
  if (!(value > 0) || !Number.isFinite(value)) {
    process.stderr.write(`${name} must be a number above 0\n`);
    process.exit(2);
  }
}

const CHILD = fileURLToPath(new URL('./soak-log.mjs', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'pulselog-soak-'));
const child = spawn(process.execPath, [CHILD], {
  cwd,
  env: {
    ...process.env,
    PULSELOG_OPEN: '0',
    PULSELOG_PORT: '0',
    PULSELOG_DASHBOARD: '1',
    SOAK_RATE: String(rate),
    CI: '',
  },
  stdio: ['pipe', 'ignore', 'pipe'],
});
let stderr = '';
let last;
let end;
child.stderr.setEncoding('utf8').on('data', (chunk) => {
  stderr += chunk;
  for (const match of chunk.matchAll(/^soak(-end)?: (\{.*\})$/gm)) {
    if (match[1]) end = JSON.parse(match[2]);
    else last = JSON.parse(match[2]);
  }
});
const waitFor = async (check, what, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`soak: no ${what}; program said:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const url = (await waitFor(() => /soak-url: (\S+)/.exec(stderr), 'dashboard URL'))[1];
const parsed = new URL(url);
const token = new URLSearchParams(parsed.hash.slice(1)).get('token');
const health = async () =>
  (await fetch(`${parsed.origin}/api/health`, { headers: { Authorization: `Bearer ${token}` } })).json();

const browser = await launchChromium('pulselog-soak-chromium-');
const rows = [];
let failed = false;
try {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  const tabUrl = new URL(url);
  if (keep !== PAGE_KEEP) tabUrl.searchParams.set('keep', String(keep));
  await page.goto(tabUrl.toString());
  await page.waitForSelector('[data-state="live"]');
  const cdp = await browser.context.newCDPSession(page);
  child.stdin.write('go\n');
  const startedAt = Date.now();
  const durationMs = minutes * 60_000;
  for (let i = 1; i <= samples; i++) {
    const at = startedAt + (durationMs * i) / samples;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
    // From asking the page to its next painted frame: what a click would wait for.
    const asked = performance.now();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve())));
    const frameMs = performance.now() - asked;
    const longest = await page.evaluate(() => {
      const value = window.__longest;
      window.__longest = 0;
      return value;
    });
    const { held, received } = await page.evaluate(() => {
      const count = document.querySelector('[data-testid="record-count"]');
      return { held: Number(count?.getAttribute('data-held')), received: Number(count?.getAttribute('data-received')) };
    });
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const hub = await health();
    const mb = (bytes) => (bytes / (1024 * 1024)).toFixed(0);
    rows.push({
      minute: ((Date.now() - startedAt) / 60_000).toFixed(1),
      logged: last?.logged ?? 0,
      rss: last?.rss ?? 0,
      hubHeap: hub.memory?.heapUsed ?? 0,
      tabHeap: heap.usedSize,
      held,
      received,
      frameMs,
      longest,
    });
    const r = rows.at(-1);
    process.stderr.write(
      `| ${r.minute} | ${r.logged.toLocaleString('en')} | ${mb(r.rss)} | ${mb(r.hubHeap)} | ${mb(r.tabHeap)} | ${r.received.toLocaleString('en')} | ${r.held.toLocaleString('en')} | ${r.frameMs.toFixed(0)} | ${r.longest.toFixed(0)} |\n`,
    );
  }
  child.stdin.write('stop\n');
  await waitFor(() => end, 'final report', 120_000);
} finally {
  await browser.close();
  if (child.exitCode === null) child.kill('SIGKILL');
}

// The session file: every record logged must be in it, once, in order. Read as a stream: it is gigabytes.
const dir = join(cwd, '.pulselog', 'sessions');
let inFile = 0;
let outOfOrder = 0;
let gaps = 0;
for await (const line of createInterface({ input: createReadStream(join(dir, readdirSync(dir)[0])) })) {
  if (line.startsWith('{"seq":')) {
    inFile++;
    if (Number(line.slice(7, line.indexOf(','))) !== inFile) outOfOrder++;
  } else if (line.startsWith('{"type":"gap"')) gaps++;
}
rmSync(cwd, { recursive: true, force: true });

const mb = (bytes) => (bytes / (1024 * 1024)).toFixed(0);
const half = Math.floor(rows.length / 2);
const peak = (key, from, to) => Math.max(...rows.slice(from, to).map((r) => r[key]));
/** Levels off: the peak of the second half is within 10 % (or 20 MB) of the first half's. */
const levels = (key) => {
  if (rows.length < 4) return 'too few samples';
  const first = peak(key, 0, half);
  const second = peak(key, half, rows.length);
  const ok = second <= Math.max(first * 1.1, first + 20 * 1024 * 1024);
  return `${ok ? 'levels off' : '**grows**'} (peak ${mb(first)} MB in the first half, ${mb(second)} MB in the second)`;
};
const missing = end.logged - inFile;
// The tab's bounds hold once it had time to fill: every sample of the second half.
const secondHalf = rows.slice(half);
const heldPeak = Math.max(...secondHalf.map((r) => r.held));
const tabPeak = Math.max(...secondHalf.map((r) => r.tabHeap));
const heldOk = heldPeak <= keep;
const tabOk = tabPeak <= tabBoundMb * 1024 * 1024;
failed = missing !== 0 || outOfOrder !== 0 || end.dropped !== 0 || !heldOk || !tabOk;
process.stdout.write(
  [
    `${minutes} min at ${rate.toLocaleString('en')} records/s, one tab holding at most ${keep.toLocaleString('en')} records; node ${process.version}; ${new Date().toISOString()}`,
    '',
    '| minute | logged | program RSS MB | hub heap MB | tab heap MB | received by the tab | held by the tab | frame after a request ms | longest task since last ms |',
    '| --: | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rows.map(
      (r) =>
        `| ${r.minute} | ${r.logged.toLocaleString('en')} | ${mb(r.rss)} | ${mb(r.hubHeap)} | ${mb(r.tabHeap)} | ${r.received.toLocaleString('en')} | ${r.held.toLocaleString('en')} | ${r.frameMs.toFixed(0)} | ${r.longest.toFixed(0)} |`,
    ),
    '',
    `- records logged ${end.logged.toLocaleString('en')}, in the session file ${inFile.toLocaleString('en')} (missing ${missing}, out of order ${outOfOrder}), gap lines ${gaps}`,
    `- dropped ${end.dropped}, session write errors ${end.sessionErrors}, passed over by the dashboard ${end.dashboardSkipped}, undelivered ${end.undelivered}`,
    `- program RSS: ${levels('rss')}`,
    `- hub heap: ${levels('hubHeap')}`,
    `- tab heap: ${levels('tabHeap')}; bound ${tabBoundMb} MB, second-half peak ${mb(tabPeak)} MB: ${tabOk ? 'within' : '**past the bound**'}`,
    `- records held by the tab: bound ${keep.toLocaleString('en')}, second-half peak ${heldPeak.toLocaleString('en')}: ${heldOk ? 'within' : '**past the bound**'}`,
    `- tab: slowest frame after a request ${Math.max(...rows.map((r) => r.frameMs)).toFixed(0)} ms, longest task ${Math.max(...rows.map((r) => r.longest)).toFixed(0)} ms`,
    '',
  ].join('\n'),
);
process.exit(failed ? 1 : 0);
