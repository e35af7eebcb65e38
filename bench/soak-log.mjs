// Child of bench/soak.mjs (not run on its own): a program logging SOAK_RATE
// records a second, paced every 10 ms, from a `go` line on stdin until a `stop` line. Every
// second it prints a JSON line on stderr (`soak: {...}`) with what it logged,
// its memory and its logger's counters; after `stop` it shuts the logger down
// and prints the final line (`soak-end: {...}`).
import { createInterface } from 'node:readline';
import { Logger } from '@pulselog/logger';

const RATE = Number(process.env.SOAK_RATE ?? 50_000);
const LEVELS = ['debug', 'info', 'info', 'info', 'warning', 'error'];
const PATHS = ['/api/users', '/api/orders', '/health', '/api/search', '/login'];
const log = new Logger('soak', { linger: 0 });
let logged = 0;
let started = 0;

function tick() {
  // Records due by now at RATE, so timer lateness does not lower the rate.
  const due = Math.floor(((performance.now() - started) / 1000) * RATE);
  while (logged < due) {
    const k = logged++;
    log[LEVELS[k % 6]](`request ${PATHS[k % 5]} handled`, {
      status: k % 97 === 0 ? 503 : 200,
      latency_ms: (k * 7) % 250,
      user_id: k % 5000,
      request_id: `r-${k}`,
    });
  }
}

function report(tag) {
  const m = process.memoryUsage();
  const s = log.stats();
  const line = {
    t: Math.round(performance.now() - started),
    logged,
    rss: m.rss,
    heapUsed: m.heapUsed,
    dropped: s.dropped,
    sessionErrors: s.sessionErrors,
    dashboardSkipped: s.dashboardSkipped,
    undelivered: s.undelivered,
    sessionFile: s.sessionFile,
  };
  process.stderr.write(`${tag}: ${JSON.stringify(line)}\n`);
}

const url = await log.dashboardUrl();
process.stderr.write(`soak-url: ${url}\n`);
let pacer;
let reporter;
createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.trim() === 'go') {
    started = performance.now();
    pacer = setInterval(tick, 10);
    reporter = setInterval(() => report('soak'), 1000);
    return;
  }
  if (line.trim() !== 'stop') return;
  clearInterval(pacer);
  clearInterval(reporter);
  await log.shutdown();
  report('soak-end');
  process.exit(0);
});
