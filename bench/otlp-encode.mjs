// The OTLP encoders on their own: `node bench/otlp-encode.mjs` (built package first: `pnpm build`).
// CPU time per record to turn W2 record lines (a message and 3 fields, as the pipeline
// formats them) into uncompressed `ExportLogsServiceRequest` protobuf bodies, in runs of
// 1,000 lines (about what one request of the `otlp` output holds), in this one thread, by:
// - `writer`: the `otlp` output's `LogsRequestWriter` (protobufjs's `Writer`, one pass,
//   repeated pieces encoded once);
// - `reflect`: protobufjs's reflection encoder from the official `.proto`
//   (`root.lookupType(...).encode(object)`) on a plain object a run;
// - `official`: `@opentelemetry/otlp-transformer`'s `ProtobufLogsSerializer` on SDK-shaped
//   records (`toLogRecords`);
// - `baseline` (only with BENCH_OTLP_BASELINE, the `dist` folder of another build of
//   `@pulselog/logger`): that build's `LogsRequestWriter`, for an A/B of two builds.
// Encoders take turns run by run; medians over BENCH_RUNS (default 5) rounds of
// BENCH_RECORDS (default 100000) records each. Prints a Markdown table.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RUN = 1000;
const logger = fileURLToPath(new URL('../packages/logger/', import.meta.url));
const dist = join(logger, 'dist');
const require = createRequire(join(logger, 'package.json'));
const protobuf = require('protobufjs');
const { LEVELS } = await import(pathToFileURL(require.resolve('@pulselog/shared')).href);
const load = (base, file) => import(pathToFileURL(join(base, 'outputs', file)).href);
const { LogsRequestWriter } = await load(dist, 'otlp-protobuf.js');
const { loadOpenTelemetry, SEVERITY, toLogRecords } = await load(dist, 'otlp-records.js');
const { outgoing } = await load(dist, 'record.js');

const resource = { 'service.name': 'bench' };
const scope = { name: '@pulselog/logger', version: '0.1.0' };
const severity = (level) => SEVERITY[level] ?? LEVELS[level];
const ts = Date.now();
const lines = Array.from({ length: RECORDS }, (_, i) =>
  JSON.stringify({
    seq: i + 1,
    ts: ts + i / 100,
    level: 'info',
    msg: 'request done',
    fields: { user_id: i, latency_ms: 12.5, status: 200 },
  }),
);

/** protobufjs's reflection encoder: the request as a plain object, then `encode`. */
function reflectEncoder() {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(logger, 'proto', target);
  root.loadSync('opentelemetry/proto/collector/logs/v1/logs_service.proto');
  const Request = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
  const anyValue = (value) => {
    if (typeof value === 'string') return { stringValue: value };
    if (typeof value === 'number')
      return Number.isInteger(value) && Math.abs(value) < 2 ** 63 ? { intValue: value } : { doubleValue: value };
    if (typeof value === 'boolean') return { boolValue: value };
    if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
    if (value !== null && typeof value === 'object') return { kvlistValue: { values: keyValues(value) } };
    return {};
  };
  const keyValues = (object) => Object.keys(object).map((key) => ({ key, value: anyValue(object[key]) }));
  const nanos = (ms) => {
    const n = BigInt(Math.round(ms * 1e6));
    return { low: Number(n & 0xffffffffn), high: Number(n >> 32n), unsigned: true };
  };
  const resourceMessage = { attributes: keyValues(resource) };
  return (run) => {
    const logRecords = run.map((line) => {
      const { record, fields, traceId, spanId, traceFlags } = outgoing(line);
      const time = nanos(record.ts);
      fields['pulselog.seq'] = record.seq;
      if (record.tag !== undefined) fields['pulselog.tag'] = record.tag;
      const message = {
        timeUnixNano: time,
        observedTimeUnixNano: time,
        severityNumber: severity(record.level),
        severityText: record.level,
        body: { stringValue: record.msg },
        attributes: keyValues(fields),
      };
      if (traceId !== undefined && spanId !== undefined) {
        message.traceId = Buffer.from(traceId, 'hex');
        message.spanId = Buffer.from(spanId, 'hex');
        if (traceFlags) message.flags = traceFlags;
      }
      return message;
    });
    return Request.encode({
      resourceLogs: [{ resource: resourceMessage, scopeLogs: [{ scope, logRecords }] }],
    }).finish();
  };
}

/** The official serializer on the records `toLogRecords` makes. */
function officialEncoder() {
  const { serializer, resourceFromAttributes } = loadOpenTelemetry('http/protobuf');
  const shared = resourceFromAttributes(resource);
  return (run) => serializer.serializeRequest(toLogRecords(run, shared, scope));
}

const writer = new LogsRequestWriter(resource, scope, severity);
const encoders = {
  writer: (run) => writer.encode(run),
  reflect: reflectEncoder(),
  official: officialEncoder(),
};
if (process.env.BENCH_OTLP_BASELINE) {
  const base = await load(process.env.BENCH_OTLP_BASELINE, 'otlp-protobuf.js');
  const baseline = new base.LogsRequestWriter(resource, scope, severity);
  encoders.baseline = (run) => baseline.encode(run);
}

/** CPU µs per record of one pass over every line, and the bytes made. */
function measure(encode) {
  let bytes = 0;
  const start = process.cpuUsage();
  for (let at = 0; at < lines.length; at += RUN) bytes += encode(lines.slice(at, at + RUN)).length;
  const used = process.cpuUsage(start);
  return { us: (used.user + used.system) / lines.length, bytes };
}

const results = Object.fromEntries(Object.keys(encoders).map((name) => [name, []]));
/** Bytes each encoder made of all the lines (the official serializer also writes a zero `dropped_attributes_count`). */
const sizes = Object.fromEntries(Object.entries(encoders).map(([name, encode]) => [name, measure(encode).bytes]));
for (let r = 0; r < RUNS; r++) {
  for (const [name, encode] of Object.entries(encoders)) results[name].push(measure(encode).us);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fastest = Math.min(...Object.values(results).map(median));
console.log(`${RECORDS.toLocaleString('en-US')} W2 records in runs of ${RUN}, median of ${RUNS} passes\n`);
console.log('| encoder | CPU µs per record | vs fastest | bytes per record |');
console.log('| --- | --- | --- | --- |');
for (const [name, xs] of Object.entries(results)) {
  const perRecord = (sizes[name] / RECORDS).toFixed(1);
  console.log(`| ${name} | ${median(xs).toFixed(3)} | ${(median(xs) / fastest).toFixed(2)}x | ${perRecord} |`);
}
