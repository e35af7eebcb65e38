// The OTLP benchmark: `node bench/otlp.mjs [--write]` (or `pnpm --filter @pulselog/bench bench:otlp`).
// W2 (a message and 3 fields built per call) sent to a loopback OTLP/HTTP receiver
// (http/protobuf, the default of both) by pulselog's built-in `otlp` output and by pino
// with pino-opentelemetry-transport, each in a fresh process, configurations interleaved
// run by run; medians over the runs. Measured: calls/s on the logging thread (calls in
// chunks of 1,000 between turns of the event loop), and records/s received: records the
// receiver counted over the time from the first call to the last record's arrival. Records
// that never arrive are counted as lost, and the CPU time (user + system, all threads) the
// logger's process spent from its start until delivery ended, per record: on a loaded machine
// it moves far less than the rates. Environment: BENCH_CALLS (default 200000),
// BENCH_RUNS (default 3), BENCH_OTLP_CONFIGS (default pulselog,pino-otel,pino-otel-queue).
// `pino-otel` runs the OpenTelemetry SDK's defaults (a batch queue of 2,048 records, sent
// every second); `pino-otel-queue` gives its batch processor a queue as large as the run
// (`processorConfig.maxQueueSize`) so that it loses nothing. `pulselog-serial` (not in the
// default set) is pulselog with one request in flight at a time (`concurrency: 1`, through
// PULSELOG_OTLP_CONCURRENCY), to show what the default of 4 gives. `pulselog-baseline` (not in
// the default set either) is another build of pulselog, its `dist` folder named by
// BENCH_OTLP_BASELINE, for an A/B of two builds in one run. With --write the table replaces the `## OTLP` section of bench/README.md.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const CONFIGS = (process.env.BENCH_OTLP_CONFIGS ?? 'pulselog,pino-otel,pino-otel-queue').split(',');
/** Delivery has stopped when nothing arrived for this long after the last call. */
const IDLE_MS = 3000;
/** The same while nothing has arrived yet: on a loaded machine an exporter may take longer to send its first request. */
const FIRST_IDLE_MS = 30_000;
const caseScript = fileURLToPath(new URL('./otlp-case.mjs', import.meta.url));
const readme = fileURLToPath(new URL('./README.md', import.meta.url));
const now = () => performance.timeOrigin + performance.now();

/** Reads a protobuf varint at `at`: [value, next offset]. */
function varint(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[at++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, at];
    shift += 7;
  }
}

/** Calls `each(field, start, end)` for every length-delimited field of the message in `buf[start, end)`. */
function fields(buf, start, end, each) {
  let at = start;
  while (at < end) {
    const [key, next] = varint(buf, at);
    at = next;
    const wire = key & 7;
    if (wire === 0) at = varint(buf, at)[1];
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const [length, from] = varint(buf, at);
      each(key >>> 3, from, from + length);
      at = from + length;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
}

/** Log records in an ExportLogsServiceRequest: resource_logs (1) → scope_logs (2) → log_records (2). */
function countRecords(buf) {
  let count = 0;
  fields(buf, 0, buf.length, (f, s, e) => {
    if (f !== 1) return;
    fields(buf, s, e, (f2, s2, e2) => {
      if (f2 !== 2) return;
      fields(buf, s2, e2, (f3) => {
        if (f3 === 2) count++;
      });
    });
  });
  return count;
}

/** The loopback receiver: counts the records of every OTLP/HTTP protobuf request and when the last came. */
const receiver = { records: 0, last: 0, requests: 0 };
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    let body = Buffer.concat(chunks);
    if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    receiver.records += countRecords(body);
    receiver.requests++;
    receiver.last = now();
    res.writeHead(200, { 'content-type': 'application/x-protobuf' });
    res.end();
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${server.address().port}/v1/logs`;

async function runCase(config) {
  receiver.records = 0;
  receiver.last = 0;
  receiver.requests = 0;
  const env = {
    ...process.env,
    CI: '',
    PULSELOG_OPEN: '0',
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: 'http/protobuf',
    ...(config === 'pulselog-serial' ? { PULSELOG_OTLP_CONCURRENCY: '1' } : {}),
  };
  const child = spawn(process.execPath, [caseScript, config, String(CALLS)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c) => {
    stderr += c;
  });
  const said = {};
  createInterface({ input: child.stdout }).on('line', (line) => Object.assign(said, JSON.parse(line)));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const deadline = Date.now() + 600_000;
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    if (child.exitCode !== null) throw new Error(`${config} exited early:\n${stderr}`);
    if (Date.now() > deadline) break;
    if (said.calledMs === undefined) continue;
    if (receiver.records >= CALLS) break;
    const quietSince = Math.max(receiver.last, said.start + said.calledMs);
    const idleMs = receiver.records === 0 ? FIRST_IDLE_MS : IDLE_MS;
    if (said.settledMs !== undefined && now() - quietSince > idleMs) break;
  }
  const cpuMs = processCpuMs(child.pid);
  child.kill('SIGKILL');
  await exited;
  const received = receiver.records;
  return {
    callsPerSec: CALLS / (said.calledMs / 1000),
    receivedPerSec: received > 0 ? received / ((receiver.last - said.start) / 1000) : 0,
    lost: CALLS - received,
    requests: receiver.requests,
    cpuUsPerRecord: cpuMs === undefined ? undefined : (cpuMs * 1000) / CALLS,
  };
}

/** CPU time (user + system, every thread) of a running process so far, in ms; Linux only (`/proc`, in ticks of 1/100 s). */
function processCpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th of the line.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(after[11]) + Number(after[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = Object.fromEntries(CONFIGS.map((c) => [c, []]));
for (let run = 0; run < RUNS; run++) {
  for (const config of CONFIGS) {
    const r = await runCase(config);
    results[config].push(r);
    process.stderr.write(`run ${run + 1} ${config}: ${JSON.stringify(r)}\n`);
  }
}
server.close();

const rows = CONFIGS.map((config) => {
  const rs = results[config];
  return {
    config,
    calls: median(rs.map((r) => r.callsPerSec)),
    received: median(rs.map((r) => r.receivedPerSec)),
    lost: median(rs.map((r) => r.lost)),
    cpu: rs.every((r) => r.cpuUsPerRecord !== undefined) ? median(rs.map((r) => r.cpuUsPerRecord)) : undefined,
  };
});
const pinos = rows.filter((r) => !r.config.startsWith('pulselog'));
const ours = rows.find((r) => r.config === 'pulselog');
const k = (n) => Math.round(n).toLocaleString('en');
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '–');
const table = [
  `${RUNS} runs of ${CALLS.toLocaleString('en')} W2 calls each, medians; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}.`,
  '',
  '| setup | calls/s | records/s received | records lost | CPU µs per record | pulselog: calls, received |',
  '| --- | ---: | ---: | ---: | ---: | --- |',
  ...rows.map((r) => {
    const vs =
      r.config.startsWith('pulselog') || !ours
        ? ''
        : `${ratio(ours.calls, r.calls)}, ${ratio(ours.received, r.received)}`;
    const cpu = r.cpu === undefined ? '–' : r.cpu.toFixed(1);
    return `| ${r.config} | ${k(r.calls)} | ${k(r.received)} | ${r.lost} | ${cpu} | ${vs} |`;
  }),
].join('\n');
console.log(table);
if (ours && pinos.length > 0) {
  const best = (key) => Math.max(...pinos.map((r) => r[key]));
  console.log(
    `\npulselog against the best pino setup: ${ratio(ours.calls, best('calls'))} calls/s, ${ratio(ours.received, best('received'))} records/s received (the issue asks for 3x both).`,
  );
}
if (process.argv.includes('--write')) {
  const text = readFileSync(readme, 'utf8');
  const section = `## OTLP\n\n\`node bench/otlp.mjs --write\`: W2 through pulselog's built-in \`otlp\` output, and through pino with pino-opentelemetry-transport, into one loopback OTLP/HTTP receiver (http/protobuf), each in a fresh process.\n\n${table}\n`;
  const at = text.indexOf('## OTLP\n');
  const next = at < 0 ? -1 : text.indexOf('\n## ', at + 1);
  const updated =
    at < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, at)}${section}${next < 0 ? '' : text.slice(next)}`;
  writeFileSync(readme, updated);
}
