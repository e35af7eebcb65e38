// The pipeline thread's formatter on its own: `node bench/format.mjs` (built package first:
// `pnpm build`), with AB_OLD=<checkout> to run an older build's formatter in the same run.
// Time per record for `PackedFormatter.frame` to turn packed batches of 1,024 records into
// their lines, in this one thread:
// - W2: one template, a message and 3 numbers, `user_id` counting up, as the logger's
//   benchmark logs them;
// - W3: the benchmark's nested value (20 keys, objects 3 deep, an array of 10 numbers)
//   as a nested template, read by the logger's own encoder.
// Builds take turns run by run; best of BENCH_RUNS (default 9) runs of 200 batches.
// Prints a Markdown table.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { w3Object } from './logger-workloads.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const BATCHES = 200;
const RECORDS = 1024;
const here = fileURLToPath(new URL('.', import.meta.url));
const trees = { new: join(here, '..') };
if (process.env.AB_OLD) trees.old = process.env.AB_OLD;

const load = (tree, path) => import(pathToFileURL(join(tree, 'packages/logger/dist', path)).href);

/** Packed batches as the logging thread posts them (copied once, as `postMessage` copies them). */
async function batches(workload) {
  const { Encoder } = await load(trees.new, 'encode/encoder.js');
  const encoder = new Encoder();
  const context = { tag: undefined, fieldsJson: undefined };
  const fields = workload === 'W2' ? (i) => ({ user_id: i, latency_ms: 12.5, status: 200 }) : (i) => w3Object(i);
  const msg = workload === 'W2' ? 'request done' : 'state';
  // A message's first call goes as text; the records below are all of its template.
  encoder.encode('info', msg, fields(0), undefined, undefined, undefined, context);
  const list = [];
  let seq = 1;
  for (let b = 0; b < 8; b++) {
    const st = new Float64Array(2 * RECORDS);
    const nums = [];
    const strs = [];
    let text;
    for (let k = 0; k < RECORDS; k++, seq++) {
      const template = encoder.encode('info', msg, fields(seq), undefined, undefined, undefined, context);
      text = template.text;
      st[2 * k] = seq;
      st[2 * k + 1] = 5000.123 + seq * 0.0004;
      const c = encoder.capture;
      for (let j = 0; j < c.numCount; j++) nums.push(c.nums[j]);
      for (let j = 0; j < c.strCount; j++) strs.push(c.strs[j]);
    }
    const packed = {
      st,
      origin: 1.7e12,
      tails: '',
      forms: new Int32Array(RECORDS),
      templates: [text],
      chars: 0,
      sent: 0,
    };
    if (nums.length > 0) packed.nums = new Float64Array(nums);
    if (strs.length > 0) packed.strs = strs;
    list.push(structuredClone(packed));
  }
  return list;
}

const formatters = {};
for (const [build, tree] of Object.entries(trees)) {
  const { PackedFormatter } = await load(tree, 'batch/format.js');
  formatters[build] = PackedFormatter;
}
const rows = [];
for (const workload of ['W2', 'W3']) {
  const list = await batches(workload);
  const best = {};
  for (let run = 0; run < RUNS; run++) {
    for (const [build, PackedFormatter] of Object.entries(formatters)) {
      const formatter = new PackedFormatter();
      const t0 = process.hrtime.bigint();
      for (let b = 0; b < BATCHES; b++) formatter.frame(list[b % list.length]);
      const ns = Number(process.hrtime.bigint() - t0) / (BATCHES * RECORDS);
      if (run > 0) best[build] = Math.min(best[build] ?? Number.POSITIVE_INFINITY, ns);
    }
  }
  for (const [build, ns] of Object.entries(best)) rows.push(`| ${workload} | ${build} | ${ns.toFixed(0)} |`);
}
console.log('| workload | build | ns a record |\n| --- | --- | ---: |');
console.log(rows.join('\n'));
