// How long a store of many checkpoints takes to open: `pnpm build`, then `node bench/checkpoints-open.mjs`.
// Environment: BENCH_COUNT (default 20000 checkpoints), BENCH_BYTES (default 20000 bytes of data
// each), BENCH_RUNS (default 5). Writes the store once as saves write it, then opens it in a
// fresh process per run (`new CheckpointStore(dir)` and its list of names, as a logger does at
// start) and prints the median wall and CPU time and the heap the open kept.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const COUNT = Number(process.env.BENCH_COUNT ?? 20_000);
const BYTES = Number(process.env.BENCH_BYTES ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const dist = new URL('../packages/logger/dist/checkpoints/', import.meta.url);

if (process.argv[2] === 'open') {
  // One run: the store's folder is argv[3].
  const { CheckpointStore } = await import(new URL('store.js', dist).href);
  globalThis.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const store = new CheckpointStore(process.argv[3]);
  const names = store.names();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  globalThis.gc?.();
  const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
  if (names.length !== COUNT) throw new Error(`opened ${names.length} checkpoints, not ${COUNT}`);
  store.close();
  console.log(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, heapMb }));
  process.exit(0);
}

const { encodeSet } = await import(new URL('log-file.js', dist).href);
const root = mkdtempSync(join(tmpdir(), 'pulselog-bench-ckpt-'));
const dir = join(root, 'checkpoints');
mkdirSync(dir);
const fd = openSync(join(dir, 'checkpoints.log'), 'w');
const pad = 'w'.repeat(Math.max(0, BYTES - 40));
let chunk = '';
for (let i = 0; i < COUNT; i++) {
  chunk += encodeSet(`ckpt-${i}`, i, { status: 'DONE', progress: 100 }, `{"i":${i},"pad":"${pad}"}`);
  if (chunk.length > 4 << 20 || i === COUNT - 1) {
    writeSync(fd, chunk);
    chunk = '';
  }
}
closeSync(fd);

const runs = [];
try {
  for (let r = 0; r < RUNS; r++) {
    const out = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), 'open', dir], {
      encoding: 'utf8',
      env: process.env,
    });
    if (out.status !== 0) throw new Error(`open failed:\n${out.stderr}`);
    runs.push(JSON.parse(out.stdout.trim()));
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
console.log(`| checkpoints | data each | open ms (median of ${RUNS}) | CPU ms | heap kept MB |`);
console.log('| ---: | ---: | ---: | ---: | ---: |');
console.log(
  `| ${COUNT.toLocaleString('en-US')} | ${BYTES.toLocaleString('en-US')} B | ${median('ms').toFixed(0)} | ${median('cpuMs').toFixed(0)} | ${median('heapMb').toFixed(1)} |`,
);
