// One idle run of a logger in a fresh process, for bench/insight.mjs:
// `node insight-idle.mjs <none|health|profile> <seconds>`; prints one JSON line:
// the CPU time (user + system, every thread) the process used over the window
// while the program itself did nothing, so what shows is the logger's own
// background work: health sampling, and the profiler with `profile`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@pulselog/logger';

const [config, secondsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 10);
process.chdir(mkdtempSync(join(tmpdir(), 'pulselog-bench-insight-')));
const log = new Logger('bench-idle', {
  dashboard: false,
  linger: 0,
  health: config !== 'none',
  profile: config === 'profile',
});
log.info('idle run', { config });
// Threads start and the first chunk settles before the window opens.
await new Promise((resolve) => setTimeout(resolve, 1500));
const before = process.cpuUsage();
const t0 = performance.now();
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const used = process.cpuUsage(before);
const wallMs = performance.now() - t0;
await log.shutdown();
console.log(JSON.stringify({ config, cpuPercent: ((used.user + used.system) / 1000 / wallMs) * 100 }));
