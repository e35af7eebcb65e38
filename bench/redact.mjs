// The cost of redaction per call: `pnpm build`, then `node bench/redact.mjs`.
// Environment: BENCH_CALLS (default 1000000 calls per run), BENCH_RUNS (default 7).
// A W2-shaped call (a flat object of 3 fields built per call) goes through the
// redactor a logger compiles from its settings: none (the logger then holds no
// redactor and pays one comparison), a typical list of paths, and that list
// with the value patterns on. Prints the median CPU ns per call of each; the
// first row is building the object alone, which every row includes.
import { compileRedaction } from '../packages/logger/dist/redact/redactor.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TYPICAL = ['password', 'headers.authorization', '*.secret', '**.token'];

const CASES = {
  'no redact (no redactor)': compileRedaction({}),
  'redact: password, headers.authorization': compileRedaction({ paths: TYPICAL.slice(0, 2) }),
  'redact: + *.secret, **.token': compileRedaction({ paths: TYPICAL }),
  'redact + redactValues': compileRedaction({ paths: TYPICAL, values: true }),
};

// Every call's fields escape, as a log call's do (they are serialized), so that
// the engine cannot leave out building them in one case and not in another.
const kept = new Array(1024);
/** CPU time per call in ns: on a shared machine, time spent waiting for a core is not the code's. */
function run(redactor) {
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) {
    let fields = { user_id: i, latency_ms: 12.5, status: 'ok' };
    if (redactor !== undefined) fields = redactor.redact(fields);
    kept[i & 1023] = fields;
  }
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / CALLS;
}

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = Object.fromEntries(Object.keys(CASES).map((name) => [name, []]));
for (let r = 0; r < RUNS; r++) for (const [name, redactor] of Object.entries(CASES)) times[name].push(run(redactor));
const base = median(times['no redact (no redactor)']);
console.log(`| case | ns per call | over no redact |\n| --- | ---: | ---: |`);
for (const [name, xs] of Object.entries(times)) {
  const m = median(xs);
  console.log(`| ${name} | ${m.toFixed(1)} | ${(m - base).toFixed(1)} |`);
}
