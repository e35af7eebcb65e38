// The sending side of the OTLP-in benchmark (bench/otlp-in.mjs): a service
// instrumented with the official OpenTelemetry JS SDK (`LoggerProvider`,
// `BatchLogRecordProcessor`, the OTLP/HTTP exporters).
// `node otlp-in-sdk.mjs <protobuf|json|none> <records>`; the exporters read
// OTEL_EXPORTER_OTLP_LOGS_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS as any SDK
// does. `none` exports into nothing: the SDK's own ceiling. Emits the records
// in turns of 1,000 per event-loop turn, then flushes; prints one JSON line:
// when the first record was emitted, when the last export was answered, and
// how many exports failed.
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { SeverityNumber } from '@opentelemetry/api';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';

const [encoding, recordsArg] = process.argv.slice(2);
const RECORDS = Number(recordsArg);
const CHUNK = 1000;
const now = () => performance.timeOrigin + performance.now();

const nothing = { export: (_records, done) => done({ code: 0 }), shutdown: async () => {}, forceFlush: async () => {} };
const inner = encoding === 'protobuf' ? new ProtobufExporter() : encoding === 'json' ? new JsonExporter() : nothing;
let failed = 0;
let failure;
const exporter = {
  export(records, done) {
    inner.export(records, (result) => {
      if (result.code !== 0) {
        failed += records.length;
        failure ??= result.error?.message ?? String(result.code);
      }
      done(result);
    });
  },
  shutdown: () => inner.shutdown(),
  forceFlush: () => inner.forceFlush(),
};
const provider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': 'bench-sdk' }),
  // Room for every record: the processor drops what does not fit, and the benchmark counts delivery, not drops.
  processors: [new BatchLogRecordProcessor({ exporter, maxQueueSize: RECORDS, maxExportBatchSize: 512 })],
});
const logger = provider.getLogger('bench');

const t0 = now();
for (let done = 0; done < RECORDS; done += CHUNK) {
  const end = Math.min(RECORDS, done + CHUNK);
  for (let i = done; i < end; i++) {
    logger.emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: 'request done',
      attributes: { user_id: i, latency_ms: 12.5, status: 200 },
    });
  }
  await yieldToLoop();
}
const emitted = now();
await provider.forceFlush();
const t1 = now();
await provider.shutdown();
process.stdout.write(`${JSON.stringify({ t0, emitted, t1, failed, failure })}\n`);
