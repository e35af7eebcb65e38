import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
const cwd = mkdtempSync(join(tmpdir(), 'h5-'));
const child = spawn(process.execPath, ['/work/main/bench/browser-log.mjs'], { cwd, env: { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: '0', BENCH_BACKLOG: '0' }, stdio: ['pipe', 'ignore', 'pipe'] });
let err = '';
child.stderr.on('data', (d) => (err += d));
const url = await new Promise((res) => { const t = setInterval(() => { const m = /dashboard at (\S+)/.exec(err); if (m) { clearInterval(t); res(m[1]); } }, 20); });
const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'h5p-')), { executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
await ctx.addInitScript(() => {
  window.__msgs = [];
  window.__longtasks = [];
  new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push([Math.round(e.startTime), Math.round(e.duration)]); }).observe({ type: 'longtask' });
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', { set(fn) { desc.set.call(this, (ev) => { const t0 = performance.now(); fn(ev); const d = performance.now() - t0; if (d > 20) window.__msgs.push([Math.round(t0), Math.round(d), ev.data.length]); }); }, get() { return desc.get.call(this); } });
  const raf = window.requestAnimationFrame.bind(window);
  window.__frames = [];
  window.requestAnimationFrame = (cb) => raf((t) => { const t0 = performance.now(); cb(t); const d = performance.now() - t0; if (d > 20) window.__frames.push([Math.round(t0), Math.round(d)]); });
});
const page = await ctx.newPage();
await page.goto(url);
await page.waitForSelector('[data-state="live"]');
const cdp = await ctx.newCDPSession(page);
const events = [];
cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
const done = new Promise((r) => cdp.on('Tracing.tracingComplete', r));
await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
child.stdin.write('go 1000000\n');
for (let i = 0; i < 600; i++) { await page.waitForTimeout(100);  const c = await page.evaluate(() => document.querySelector('[data-testid="record-count"]').textContent); if (c === '1000000 records') break; }
console.log(await page.evaluate(() => JSON.stringify({ msgs: window.__msgs.slice(0, 30), frames: window.__frames.slice(0, 30), lt: window.__longtasks.slice(0, 30) })));
await cdp.send('Tracing.end');
await done;
console.log('events', events.length, [...new Set(events.filter((e) => e.name === 'thread_name').map((e) => `${e.pid}/${e.tid}:${e.args?.name}`))].join(' '));
const main = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((m) => ({ m, n: events.filter((e) => e.pid === m.pid && e.tid === m.tid).length })).sort((a, b) => b.n - a.n)[0].m;
const mine = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X');
const names = new Map(); for (const e of mine) if (e.dur > 40000) names.set(e.name, (names.get(e.name) ?? 0) + 1);
console.log([...names]);
const tasks = mine.filter((e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.dur > 50000);
for (const t of tasks.slice(0, 12)) {
  const kids = mine.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e.dur > 3000);
  const agg = new Map();
  for (const k of kids) { const key = k.name + (k.args?.data?.functionName ? ':' + k.args.data.functionName : '') + (k.args?.data?.type ? ':' + k.args.data.type : ''); agg.set(key, (agg.get(key) ?? 0) + k.dur); }
  console.log(Math.round(t.dur / 1000), 'ms:', [...agg].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k}=${Math.round(v / 1000)}`).join(', '));
}
await ctx.close();
child.kill('SIGKILL');
