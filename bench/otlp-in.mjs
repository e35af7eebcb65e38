// The OTLP-in benchmark: `node bench/otlp-in.mjs [--write]` (build first).
// Records per second that a pulselog dashboard takes in over OTLP/HTTP from
// the official OpenTelemetry JS SDK, protobuf (exporter-logs-otlp-proto) and
// JSON (exporter-logs-otlp-http), beside the same records through the SDK
// into nothing (its own ceiling). Each run starts the dashboard program
// (otlp-in-host.mjs) and the SDK service (otlp-in-sdk.mjs) as two fresh
// processes, as they are in use. Environment: BENCH_RECORDS (default
// 200000 per run), BENCH_RUNS (default 3). Medians over the runs; with
// --write the table replaces the `## OTLP in` section of bench/README.md.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CASES = ['protobuf', 'json', 'none'];
const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const readme = here('./README.md');

/** Starts `script` with `args`; resolves each JSON line it prints by its `t` (or the last line, `t` absent). */
function start(script, args, env = {}) {
  const child = spawn(process.execPath, [here(script), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CI: '', ...env },
  });
  const events = {};
  const waiters = {};
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line);
    const key = event.t ?? 'end';
    events[key] = event;
    waiters[key]?.(event);
  });
  child.on('exit', (code) => waiters.exit?.({ code }));
  const wait = (key, timeoutMs) =>
    events[key]
      ? Promise.resolve(events[key])
      : new Promise((resolve, reject) => {
          waiters[key] = resolve;
          waiters.exit = ({ code }) =>
            events[key] ? resolve(events[key]) : reject(new Error(`${script} ended (${code}) before "${key}"`));
          setTimeout(() => reject(new Error(`${script}: no "${key}" in ${timeoutMs} ms`)), timeoutMs).unref();
        });
  return { child, wait };
}

async function runCase(encoding) {
  if (encoding === 'none') {
    const sdk = start('./otlp-in-sdk.mjs', ['none', String(RECORDS)]);
    const end = await sdk.wait('end', 300_000);
    return { sent: RECORDS / ((end.t1 - end.t0) / 1000), failed: end.failed };
  }
  const host = start('./otlp-in-host.mjs', [String(RECORDS)]);
  try {
    const { url } = await host.wait('ready', 30_000);
    const address = new URL(url);
    const token = address.searchParams.get('token') ?? address.hash.match(/token=([^&]+)/)?.[1];
    const sdk = start('./otlp-in-sdk.mjs', [encoding, String(RECORDS)], {
      // The two lines the README gives for pointing any SDK at a dashboard.
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: `${address.origin}/v1/logs`,
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer%20${token}`,
    });
    const end = await sdk.wait('end', 300_000);
    if (end.failed > 0) throw new Error(`${end.failed} records not exported: ${end.failure}`);
    const taken = await host.wait('in', 60_000);
    const flushed = await host.wait('flushed', 120_000);
    return {
      sent: RECORDS / ((end.t1 - end.t0) / 1000),
      taken: RECORDS / ((taken.at - end.t0) / 1000),
      stored: RECORDS / ((flushed.at - end.t0) / 1000),
      dropped: flushed.dropped,
    };
  } finally {
    host.child.kill();
  }
}

const results = Object.fromEntries(CASES.map((c) => [c, []]));
for (let run = 0; run < RUNS; run++) {
  for (const encoding of CASES) {
    const r = await runCase(encoding);
    results[encoding].push(r);
    process.stderr.write(`run ${run + 1}/${RUNS} ${encoding}: ${Math.round(r.sent)} records/s exported\n`);
  }
}

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length === 0 ? undefined : s[Math.floor(s.length / 2)];
};
const fmt = (n) => (n === undefined ? '–' : Math.round(n).toLocaleString('en-US'));
const ceiling = median(results.none.map((r) => r.sent));
const LABEL = {
  protobuf: 'SDK → dashboard, http/protobuf',
  json: 'SDK → dashboard, http/json',
  none: 'SDK → nothing (its ceiling)',
};
const lines = [
  `${RECORDS.toLocaleString('en-US')} records per run (\`info\`, a string body and 3 attributes, emitted 1,000 per event-loop turn through \`BatchLogRecordProcessor\`, batches of 512), medians of ${RUNS} runs, each side a fresh process; node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${new Date().toISOString().slice(0, 16)}Z.`,
  '',
  'Exported/s runs from the first `emit` until the SDK has every export answered (`forceFlush`); taken in/s until the dashboard program has numbered and queued every record (as its own calls); in the file/s until its session file holds them all. vs ceiling is exported/s against the same records through the SDK into an exporter that does nothing.',
  '',
  '| setup | exported/s | vs ceiling | taken in/s | in the file/s | dropped |',
  '|---|---:|---:|---:|---:|---:|',
];
for (const encoding of CASES) {
  const rows = results[encoding];
  const sent = median(rows.map((r) => r.sent));
  const dropped = Math.max(...rows.map((r) => r.dropped ?? 0));
  lines.push(
    `| ${LABEL[encoding]} | ${fmt(sent)} | ${(sent / ceiling).toFixed(2)}x | ${fmt(median(rows.map((r) => r.taken)))} | ${fmt(median(rows.map((r) => r.stored)))} | ${encoding === 'none' ? '–' : dropped} |`,
  );
}
const table = lines.join('\n');
console.log(table);

if (process.argv.includes('--write')) {
  const text = readFileSync(readme, 'utf8');
  const begin = text.indexOf('## OTLP in');
  const next = begin < 0 ? -1 : text.indexOf('\n## ', begin + 1);
  const section = `## OTLP in\n\n\`node bench/otlp-in.mjs --write\` (build first). The official OpenTelemetry JS SDK sending logs over OTLP/HTTP to a running dashboard, from another process.\n\n${table}\n`;
  writeFileSync(
    readme,
    begin < 0
      ? `${text.trimEnd()}\n\n${section}`
      : `${text.slice(0, begin)}${section}${next < 0 ? '' : text.slice(next + 1)}`,
  );
}
