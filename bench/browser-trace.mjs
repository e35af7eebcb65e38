// Where the dashboard's long tasks come from: `node bench/browser-trace.mjs`
// after `pnpm build`. Records a Chromium trace while a live tab takes in
// BENCH_RECORDS records (default 1,000,000) logged in one tight loop, then
// prints every main-thread task over 50 ms with what ran inside it (event
// handlers by function and source line, garbage collection, style, layout,
// paint), longest first. A diagnosis tool beside bench/browser.mjs, not a
// benchmark of its own. BENCH_CPU_SLOWDOWN=4 has Chromium slow the page's CPU
// down that much (CDP Emulation.setCPUThrottlingRate), which makes two builds
// comparable on a machine whose load keeps changing. BENCH_TRACE_JS=0 leaves
// out the sampling profiler, whose own cost stretches the tasks it samples.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../scripts/chromium.mjs';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const CHILD = fileURLToPath(new URL('./browser-log.mjs', import.meta.url));
const CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.gc',
  'blink.user_timing',
  ...(process.env.BENCH_TRACE_JS === '0' ? [] : ['disabled-by-default-v8.cpu_profiler']),
];

const cwd = mkdtempSync(join(tmpdir(), 'pulselog-bench-'));
const child = spawn(process.execPath, [CHILD], {
  cwd,
  env: { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: '0', BENCH_BACKLOG: '0', CI: '' },
  stdio: ['pipe', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr.setEncoding('utf8').on('data', (chunk) => {
  stderr += chunk;
});
const waitFor = async (pattern) => {
  for (let i = 0; i < 6000; i++) {
    const match = pattern.exec(stderr);
    if (match) return match;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`program: ${stderr}`);
};

const browser = await launchChromium('pulselog-bench-chromium-');
const { context } = browser;
try {
  const url = (await waitFor(/pulselog: dashboard at (\S+)/))[1];
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('[data-state="live"]');
  const cdp = await context.newCDPSession(page);
  const slowdown = Number(process.env.BENCH_CPU_SLOWDOWN ?? 1);
  if (slowdown > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
  await cdp.send('Tracing.start', { categories: CATEGORIES.join(','), transferMode: 'ReturnAsStream' });
  child.stdin.write(`go ${RECORDS}\n`);
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const text = await page.evaluate(() => document.querySelector('[data-testid="record-count"]')?.textContent ?? '');
    if (Number.parseInt(text, 10) >= RECORDS) break;
    await page.waitForTimeout(100);
  }
  const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  await cdp.send('Tracing.end');
  const { stream } = await done;
  let json = '';
  for (;;) {
    const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 20 });
    json += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString('utf8') : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send('IO.close', { handle: stream });
  if (process.env.TRACE_OUT) writeFileSync(process.env.TRACE_OUT, json);
  report(JSON.parse(json));
} finally {
  await browser.close();
  child.kill('SIGKILL');
  rmSync(cwd, { recursive: true, force: true });
}

/** Prints the main thread's long tasks with what ran inside them. */
function report(trace) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents;
  // The browser has several renderer main threads (blank pages among them); the page's is the busiest.
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const [main, mine] = mains
    .map((m) => [
      m,
      events.filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === 'X' && typeof e.dur === 'number'),
    ])
    .sort((a, b) => b[1].length - a[1].length)[0];
  mine.sort((a, b) => a.ts - b.ts);
  const profile = samples(events, main.pid);
  const tasks = mine.filter((e) => e.name === 'RunTask');
  // Starting the sampling profiler is itself one long task; it is the tool's, not the page's.
  const profilerStart = mine.filter((e) => e.name === 'CpuProfiler::StartProfiling');
  const ours = (t) => !profilerStart.some((e) => e.ts >= t.ts && e.ts <= t.ts + t.dur);
  const long = tasks.filter((t) => t.dur > 50_000 && ours(t)).sort((a, b) => b.dur - a.dur);
  const label = (e) => {
    const d = e.args?.data ?? {};
    if (e.name === 'FunctionCall')
      return `FunctionCall ${d.functionName || '(anonymous)'} ${String(d.url ?? '')
        .split('/')
        .pop()}:${d.lineNumber}`;
    if (e.name === 'EventDispatch') return `EventDispatch ${d.type}`;
    return e.name;
  };
  const total = (list) => list.reduce((sum, t) => sum + t.dur, 0) / 1000;
  console.log(
    `${tasks.length} tasks, ${long.length} over 50 ms (${total(long).toFixed(0)} ms of ${total(tasks).toFixed(0)} ms)`,
  );
  // Tasks that drew a frame with new content (a paint), apart from the rest.
  const paints = mine.filter((e) => e.name === 'Paint');
  let p = 0;
  const frames = [];
  for (const task of tasks) {
    while (p < paints.length && paints[p].ts < task.ts) p++;
    if (p < paints.length && paints[p].ts <= task.ts + task.dur) frames.push(task.dur / 1000);
  }
  frames.sort((a, b) => a - b);
  const q = (f) => (frames[Math.min(frames.length - 1, Math.floor(f * frames.length))] ?? 0).toFixed(1);
  console.log(
    `painting tasks: ${frames.length}, ${frames.reduce((a, b) => a + b, 0).toFixed(0)} ms in all; median ${q(0.5)} ms, p90 ${q(0.9)} ms, max ${q(1)} ms`,
  );
  for (const task of long.slice(0, 12)) {
    const inside = new Map();
    for (const e of mine) {
      if (e === task || e.ts < task.ts || e.ts + e.dur > task.ts + task.dur) continue;
      const key = label(e);
      inside.set(key, (inside.get(key) ?? 0) + e.dur);
    }
    const top = [...inside].sort((a, b) => b[1] - a[1]).slice(0, 8);
    console.log(`\n${(task.dur / 1000).toFixed(1)} ms task:`);
    for (const [key, dur] of top) console.log(`  ${(dur / 1000).toFixed(1).padStart(7)} ms  ${key}`);
    const functions = profile.within(task.ts, task.ts + task.dur);
    if (functions.length > 0) console.log(`  JS by sample (self; with callers): ${functions.join('; ')}`);
  }
}

/**
 * The sampling profile in the trace, to say which functions ran inside a task:
 * for each, its own samples and the chain of the page's functions above it.
 */
function samples(events, pid) {
  const nodes = new Map();
  const points = [];
  let time = 0;
  for (const e of events) {
    // The samples are written by a profiler thread of the page's process.
    if (e.pid !== pid) continue;
    if (e.name === 'Profile') time = e.args.data.startTime;
    if (e.name !== 'ProfileChunk') continue;
    const data = e.args.data;
    for (const node of data.cpuProfile?.nodes ?? []) nodes.set(node.id, node);
    const ids = data.cpuProfile?.samples ?? [];
    for (let i = 0; i < ids.length; i++) {
      time += data.timeDeltas[i];
      points.push([time, ids[i]]);
    }
  }
  const name = (node) => {
    const f = node.callFrame;
    return `${f.functionName || '(anonymous)'}${f.url ? `@${f.url.split('/').pop()}:${f.lineNumber + 1}` : ''}`;
  };
  const stack = (id) => {
    const names = [];
    for (let node = nodes.get(id); node; node = nodes.get(node.parent)) {
      if (node.callFrame.url || names.length === 0) names.push(name(node));
      if (names.length >= 4) break;
    }
    return names.join(' < ');
  };
  return {
    within(from, to) {
      const counts = new Map();
      for (const [t, id] of points) if (t >= from && t <= to) counts.set(stack(id), (counts.get(stack(id)) ?? 0) + 1);
      return [...counts]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 6)
        .map(([k, n]) => `${n}× ${k}`);
    },
  };
}
