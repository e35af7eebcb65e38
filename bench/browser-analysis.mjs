// The dashboard's analysis panels in Chromium at 1,000,000 records:
// `node bench/browser-analysis.mjs` after `pnpm build` (or `pnpm --filter
// @pulselog/bench bench:analysis`). `node bench/browser.mjs` runs every other
// dashboard target too; this one runs only these, with more cases and rounds.
//
// A tab is open and live; the program (bench/browser-log.mjs) logs
// BENCH_RECORDS records (default 1,000,000) with numeric fields `ms`,
// `user_id`, `status`. Then, BENCH_ROUNDS times (default 7), each panel is
// closed and opened, timed inside the page from the click to the animation
// frame after the panel is in the DOM drawn from every record:
//
// - facets: the facets panel (top values and counts of every field, min,
//   median and max of the numeric ones), target < 300 ms;
// - chart over time: one numeric field, `ms`, decimated to min/max per pixel
//   column, target < 200 ms;
// - chart against a field: `ms` against `user_id`;
// - chart per level: `ms`, one series per level.
//
// Each row gives the median and the worst round, and the page's own time for
// the computation alone (the panel's `data-ms`). Prints a Markdown table.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../scripts/chromium.mjs';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CHILD = fileURLToPath(new URL('./browser-log.mjs', import.meta.url));

if (process.argv.includes('--help')) {
  process.stdout.write(
    'node bench/browser-analysis.mjs\n  Times the facets panel and field charts on BENCH_RECORDS (1,000,000) records in Chromium,\n' +
      '  BENCH_ROUNDS (7) rounds each; run `pnpm build` first. Prints a Markdown table.\n',
  );
  process.exit(0);
}
for (const [name, value] of [
  ['BENCH_RECORDS', RECORDS],
  ['BENCH_ROUNDS', ROUNDS],
]) {
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`browser-analysis: ${name} must be a whole number of at least 1\n`);
    process.exit(2);
  }
}

const cwd = mkdtempSync(join(tmpdir(), 'pulselog-bench-'));
const program = spawn(process.execPath, [CHILD], {
  cwd,
  env: { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: '0', PULSELOG_PRETTY: '0', BENCH_BACKLOG: '0', CI: '' },
  stdio: ['pipe', 'ignore', 'pipe'],
});
let stderr = '';
program.stderr.setEncoding('utf8').on('data', (chunk) => {
  stderr += chunk;
});

async function waitFor(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline || program.exitCode !== null) throw new Error(`no ${what}; program said:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const count = (page) =>
  page.evaluate(() =>
    Number(document.querySelector('[data-testid="record-count"]')?.getAttribute('data-received') ?? '0'),
  );

/**
 * Clicks `open` and waits in the page until `drawn` is in the DOM, then for
 * the next animation frame, which paints it. Returns the time taken and the
 * panel's own computing time (`data-ms` of `measured`).
 */
const openPanel = (page, open, drawn, measured) =>
  page.evaluate(
    async ({ open, drawn, measured }) => {
      const t0 = performance.now();
      document.querySelector(open).click();
      while (!document.querySelector(drawn)) await new Promise((resolve) => setTimeout(resolve, 0));
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return {
        ms: performance.now() - t0,
        computed: Number(document.querySelector(measured)?.getAttribute('data-ms') ?? Number.NaN),
      };
    },
    { open, drawn, measured },
  );

const browser = await launchChromium('pulselog-bench-chromium-');
const rows = [];
try {
  const url = (await waitFor(() => /pulselog: dashboard at (\S+)/.exec(stderr), 'dashboard URL', 60_000))[1];
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(url);
  await page.waitForSelector('[data-state="live"]');
  const started = Date.now();
  program.stdin.write(`go ${RECORDS}\n`);
  await waitFor(async () => (await count(page)) >= RECORDS, `${RECORDS} records in the tab`, 600_000);
  const loadSeconds = (Date.now() - started) / 1000;

  const chartDrawn = '[data-testid="chart"] .chart-plot canvas';
  const select = (testid, value) => page.selectOption(`[data-testid="${testid}"]`, value);
  const openChart = () => openPanel(page, '.facet[data-key="ms"] .facet-chart', chartDrawn, '[data-testid="chart"]');
  const closeChart = async () => {
    await page.click('[data-testid="chart-close"]');
    await page.waitForSelector('[data-testid="chart"]', { state: 'detached' });
  };
  const cases = { facets: [], time: [], against: [], level: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // The facets panel is open by default: closed, then timed as it opens.
    await page.click('[data-testid="facets-toggle"]');
    await page.waitForSelector('[data-testid="facets"]', { state: 'detached' });
    cases.facets.push(
      await openPanel(
        page,
        '[data-testid="facets-toggle"]',
        '[data-testid="facets"] .facet[data-key="ms"]',
        '[data-testid="facets"]',
      ),
    );
    cases.time.push(await openChart());
    // The axis and the split stay chosen while the chart is closed: each case opens it afresh.
    await select('chart-x', 'user_id');
    await closeChart();
    cases.against.push(await openChart());
    await select('chart-x', 'time');
    await select('chart-by', 'level');
    await closeChart();
    cases.level.push(await openChart());
    await select('chart-by', 'none');
    await closeChart();
  }
  const n = RECORDS.toLocaleString('en-US');
  const row = (what, results, target) => {
    const times = results.map((r) => r.ms);
    const m = median(times);
    const met = target === undefined ? '' : m < target ? 'yes' : '**no**';
    rows.push(
      `| ${what} | ${fmt(m)} | ${fmt(Math.max(...times))} | ${fmt(median(results.map((r) => r.computed)))} | ${target === undefined ? '' : `< ${target} ms`} | ${met} |`,
    );
  };
  row(`facet panel, ${n} records`, cases.facets, 300);
  row(`chart of \`ms\` over time, ${n} records`, cases.time, 200);
  row(`chart of \`ms\` against \`user_id\`, ${n} records`, cases.against);
  row(`chart of \`ms\`, a series per level, ${n} records`, cases.level);
  console.log(
    `Dashboard analysis in Chromium, node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ` +
      `${n} records streamed in ${loadSeconds.toFixed(1)} s; ${ROUNDS} rounds`,
  );
  console.log('| panel | median | worst | computing (median) | target | met |');
  console.log('|---|--:|--:|--:|---|---|');
  for (const line of rows) console.log(line);
} finally {
  await browser.close();
  program.kill('SIGKILL');
  rmSync(cwd, { recursive: true, force: true });
}
