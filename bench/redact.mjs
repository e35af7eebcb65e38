// The cost of redaction per call: `pnpm build`, then `node bench/redact.mjs`.
// Environment: BENCH_CALLS (default 1000000 calls per run), BENCH_RUNS (default 7).
// A W2-shaped call (a flat object of 3 fields built per call) two ways, each
// with the redactor a logger compiles from its settings: none (the logger then
// holds no redactor and pays one comparison), a typical list of paths, and that
// list with the value patterns on.
// - `encode`: what the logging thread does with the call (`Encoder.encode`, the
//   message through `Redactor.text` as `Logger.write` does): flat fields are
//   redacted as the encoder reads them, so this is what W2 pays.
// - `redact`: the redactor's walk of the object (`Redactor.redact`), which
//   fields that are not flat, bindings, context fields and checkpoint data take.
// Prints the median CPU ns per call of each, and each over the same way with no
// redactor; every row includes building the object.
import { Encoder } from '../packages/logger/dist/encode/encoder.js';
import { compileRedaction } from '../packages/logger/dist/redact/redactor.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TYPICAL = ['password', 'headers.authorization', '*.secret', '**.token'];

const REDACTORS = {
  'no redact (no redactor)': compileRedaction({}),
  'redact: password, headers.authorization': compileRedaction({ paths: TYPICAL.slice(0, 2) }),
  'redact: + *.secret, **.token': compileRedaction({ paths: TYPICAL }),
  'redact + redactValues': compileRedaction({ paths: TYPICAL, values: true }),
};
const CONTEXT = { tag: undefined, fieldsJson: undefined };

// Every call's result escapes, as a log call's does (it is queued), so that
// the engine cannot leave out building the fields in one case and not in another.
const kept = new Array(1024);

/** CPU time per call in ns: on a shared machine, time spent waiting for a core is not the code's. */
function timed(loop) {
  const start = process.cpuUsage();
  loop();
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / CALLS;
}

const WAYS = {
  encode: (redactor) => {
    // One encoder per case, as one logger core holds one: its caches see one call site.
    const encoder = new Encoder(redactor);
    return () =>
      timed(() => {
        for (let i = 0; i < CALLS; i++) {
          const msg = redactor === undefined ? 'request done' : redactor.text('request done');
          const fields = { user_id: i, latency_ms: 12.5, status: 'ok' };
          kept[i & 1023] = encoder.encode('info', msg, fields, undefined, undefined, undefined, CONTEXT, undefined);
        }
      });
  },
  redact: (redactor) => () =>
    timed(() => {
      for (let i = 0; i < CALLS; i++) {
        let fields = { user_id: i, latency_ms: 12.5, status: 'ok' };
        if (redactor !== undefined) fields = redactor.redact(fields);
        kept[i & 1023] = fields;
      }
    }),
};

const cases = [];
for (const [way, make] of Object.entries(WAYS)) {
  for (const [name, redactor] of Object.entries(REDACTORS)) cases.push({ way, name, run: make(redactor), times: [] });
}
for (let r = 0; r < RUNS; r++) for (const c of cases) c.times.push(c.run());

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`| way | case | ns per call | over no redact |\n| --- | --- | ---: | ---: |`);
for (const c of cases) {
  const base = median(cases.find((b) => b.way === c.way && b.name === 'no redact (no redactor)').times);
  const m = median(c.times);
  console.log(`| ${c.way} | ${c.name} | ${m.toFixed(1)} | ${(m - base).toFixed(1)} |`);
}
