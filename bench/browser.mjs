// The dashboard in Chromium under load: `pnpm bench` from the repository root
// (builds first), or `node bench/browser.mjs` after `pnpm build`.
//
// 1. Backlog: a program logs 100,000 records, then a fresh tab opens; time
//    until the first rows show and until every record is there.
// 2. Ingest: a tab is open and live; the program logs 1,000,000 records in a
//    tight loop. Longest main-thread task while they stream in (PerformanceObserver
//    'longtask'), whether every record arrived, and the JS heap after it
//    (CDP Runtime.getHeapUsage, after a garbage collection).
// 3. Filters: search and filter changes on those 1,000,000 records, timed from
//    the input event to the frame that shows the result; median of each kind.
// 4. Analysis: the facets panel and a chart of one numeric field on those
//    records, timed from the click to the frame that shows them drawn.
//
// BENCH_RECORDS and BENCH_BACKLOG change the sizes. Prints a Markdown table.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../scripts/chromium.mjs';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 100_000);
const CHILD = fileURLToPath(new URL('./browser-log.mjs', import.meta.url));

function startProgram(backlog) {
  const cwd = mkdtempSync(join(tmpdir(), 'pulselog-bench-'));
  const child = spawn(process.execPath, [CHILD], {
    cwd,
    env: { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: '0', BENCH_BACKLOG: String(backlog), CI: '' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr += chunk;
  });
  const waitFor = (pattern, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        const match = pattern.exec(stderr);
        if (match) return resolve(match);
        if (child.exitCode !== null || Date.now() > deadline) return reject(new Error(`program: ${stderr}`));
        setTimeout(check, 20);
      };
      check();
    });
  return {
    child,
    waitFor,
    url: async () => (await waitFor(/pulselog: dashboard at (\S+)/))[1],
    stop() {
      child.kill('SIGKILL');
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

async function openBrowser() {
  const browser = await launchChromium('pulselog-bench-chromium-');
  const { context } = browser;
  // Before any page script: watch long tasks and note when the first row appears.
  await context.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        window.__longtasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    // What the long frames spent their time on, for BENCH_VERBOSE.
    window.__frames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        window.__frames.push({
          start: e.startTime,
          duration: e.duration,
          blocking: e.blockingDuration,
          render: e.renderStart ? e.startTime + e.duration - e.renderStart : 0,
          styleLayout: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: e.scripts.map((s) => ({
            what: `${s.invokerType} ${s.invoker} ${s.sourceFunctionName}`,
            duration: s.duration,
            forcedLayout: s.forcedStyleAndLayoutDuration,
          })),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-seq]')) {
        window.__firstRowAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });
  });
  return browser;
}

const count = (page) =>
  page.evaluate(() =>
    Number(document.querySelector('[data-testid="record-count"]')?.getAttribute('data-received') ?? '0'),
  );

async function waitForCount(page, n, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    seen = await count(page);
    if (seen >= n) return seen;
    await page.waitForTimeout(50);
  }
  return seen;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(1)} ms`;
const rows = [];
const row = (what, value, target, ok) => rows.push(`| ${what} | ${value} | ${target} | ${ok ? 'yes' : '**no**'} |`);

// 1. Backlog.
{
  const program = startProgram(BACKLOG);
  const browser = await openBrowser();
  try {
    const url = await program.url();
    await program.waitFor(new RegExp(`bench: logged ${BACKLOG}\\b`));
    const page = await browser.context.newPage();
    await page.goto(url);
    const got = await waitForCount(page, BACKLOG, 60_000);
    const firstRow = await page.evaluate(() => window.__firstRowAt);
    const all = await page.evaluate(() => performance.now());
    row(
      `${BACKLOG.toLocaleString('en-US')}-record backlog: first rows shown`,
      fmt(firstRow),
      '< 1000 ms',
      firstRow < 1000,
    );
    row(
      `${BACKLOG.toLocaleString('en-US')}-record backlog: all records in`,
      `${fmt(all)} (${got.toLocaleString('en-US')})`,
      'all',
      got === BACKLOG,
    );
  } finally {
    await browser.close();
    program.stop();
  }
}

// 2. Ingest, 3. filters.
{
  const program = startProgram(0);
  const browser = await openBrowser();
  try {
    const page = await browser.context.newPage();
    await page.goto(await program.url());
    await page.waitForSelector('[data-state="live"]');
    const ingestStart = await page.evaluate(() => performance.now());
    const started = Date.now();
    program.child.stdin.write(`go ${RECORDS}\n`);
    const got = await waitForCount(page, RECORDS, 300_000);
    const seconds = (Date.now() - started) / 1000;
    const tasks = await page.evaluate((from) => window.__longtasks.filter((t) => t.start >= from), ingestStart);
    const longest = Math.max(0, ...tasks.map((t) => t.duration));
    if (process.env.BENCH_VERBOSE) {
      const frames = await page.evaluate((from) => window.__frames.filter((f) => f.start >= from), ingestStart);
      console.error(`${frames.length} long animation frames`);
      for (const f of frames)
        console.error(
          `  frame at +${(f.start - ingestStart).toFixed(0)} ms: ${f.duration.toFixed(0)} ms, render ${f.render.toFixed(0)}, style+layout ${f.styleLayout.toFixed(0)}; ${f.scripts.map((x) => `${x.what} ${x.duration.toFixed(0)}`).join('; ')}`,
        );
      for (const t of tasks.sort((a, b) => b.duration - a.duration).slice(0, 8)) {
        const f = frames.find((x) => x.start <= t.start + 5 && x.start + x.duration >= t.start + t.duration - 5);
        const scripts = (f?.scripts ?? [])
          .map((x) => `${x.what} ${x.duration.toFixed(0)} (forced layout ${x.forcedLayout.toFixed(0)})`)
          .join('; ');
        console.error(
          `task ${t.duration.toFixed(0)} ms at +${(t.start - ingestStart).toFixed(0)} ms` +
            (f
              ? `: frame ${f.duration.toFixed(0)}, render ${f.render.toFixed(0)}, style+layout ${f.styleLayout.toFixed(0)}; ${scripts}`
              : ''),
        );
      }
    }
    const dropped = await page.evaluate(() => document.querySelector('[data-testid="dropped"]')?.textContent ?? 'none');
    row(
      `${RECORDS.toLocaleString('en-US')} records streamed in: records shown`,
      `${got.toLocaleString('en-US')} in ${seconds.toFixed(1)} s (${Math.round(got / seconds).toLocaleString('en-US')}/s), dropped: ${dropped}`,
      'all',
      got === RECORDS,
    );
    row(
      'longest main-thread task during ingest',
      `${fmt(longest)} (${tasks.length} tasks over 50 ms)`,
      '< 100 ms',
      longest < 100,
    );

    const timings = {};
    // Each change is timed inside the page: from the input event to the frame that paints its result.
    const change = ({ search, level }) =>
      page.evaluate(
        async ({ search, level }) => {
          const t0 = performance.now();
          if (level) document.querySelector(`.levels [data-level="${level}"]`).click();
          else {
            const input = document.getElementById('search');
            input.value = search;
            input.dispatchEvent(new Event('input', { bubbles: true }));
          }
          await new Promise((resolve) => requestAnimationFrame(resolve));
          return performance.now() - t0;
        },
        { search, level },
      );
    const measure = async (kind, what) => {
      timings[kind] ??= [];
      timings[kind].push(await change(what));
    };
    const texts = ['request 4242', 'done 77', 'request 9999', 'xyz-no-match', 'request 123456'];
    const filters = [
      'status>=500',
      'user_id=42',
      'ms<3 status=200',
      'level>=error',
      'user_id>990',
      'method=post',
      'method!=get status=503',
    ];
    for (let round = 0; round < 2; round++) {
      for (const text of texts) {
        await measure('full-text search', { search: text });
        await measure('clear the search', { search: '' });
      }
      for (const filter of filters) {
        await measure('field filter', { search: filter });
        await measure('clear the search', { search: '' });
      }
      for (const level of ['debug', 'info', 'warning', 'debug', 'info', 'warning']) {
        await measure('level toggle', { level });
      }
    }
    for (const [kind, values] of Object.entries(timings)) {
      const m = median(values);
      row(
        `${kind} on ${RECORDS.toLocaleString('en-US')} records (median of ${values.length})`,
        `${fmt(m)} (max ${fmt(Math.max(...values))})`,
        '< 100 ms',
        m < 100,
      );
    }

    // 4. Analysis panels: from the click to the frame that shows the panel drawn from every record.
    const openPanel = (open, drawn) =>
      page.evaluate(
        async ({ open, drawn }) => {
          const t0 = performance.now();
          document.querySelector(open).click();
          while (!document.querySelector(drawn)) await new Promise((resolve) => setTimeout(resolve, 0));
          await new Promise((resolve) => requestAnimationFrame(resolve));
          return performance.now() - t0;
        },
        { open, drawn },
      );
    const panels = { facets: [], chart: [] };
    for (let round = 0; round < 5; round++) {
      // The facets panel is open by default: closed, then timed as it opens.
      await page.click('[data-testid="facets-toggle"]');
      await page.waitForSelector('[data-testid="facets"]', { state: 'detached' });
      panels.facets.push(
        await openPanel('[data-testid="facets-toggle"]', '[data-testid="facets"] .facet[data-key="ms"]'),
      );
      panels.chart.push(
        await openPanel('.facet[data-key="ms"] .facet-chart', '[data-testid="chart"] .chart-plot canvas'),
      );
      await page.click('[data-testid="chart-close"]');
    }
    row(
      `facet panel on ${RECORDS.toLocaleString('en-US')} records (median of 5)`,
      `${fmt(median(panels.facets))} (max ${fmt(Math.max(...panels.facets))})`,
      '< 300 ms',
      median(panels.facets) < 300,
    );
    row(
      `chart of one numeric field on ${RECORDS.toLocaleString('en-US')} records (median of 5)`,
      `${fmt(median(panels.chart))} (max ${fmt(Math.max(...panels.chart))})`,
      '< 200 ms',
      median(panels.chart) < 200,
    );

    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const mb = heap.usedSize / (1024 * 1024);
    row(`JS heap at ${RECORDS.toLocaleString('en-US')} records`, `${mb.toFixed(0)} MB`, '< 600 MB', mb < 600);
  } finally {
    await browser.close();
    program.stop();
  }
}

console.log(`Dashboard in Chromium, node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| measure | result | target | met |');
console.log('|---|---|---|---|');
for (const line of rows) console.log(line);
