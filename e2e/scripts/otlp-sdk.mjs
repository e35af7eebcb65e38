// Another service, instrumented with the official OpenTelemetry JS SDK, that
// logs inside an active span and exports over OTLP/HTTP to wherever
// OTEL_EXPORTER_OTLP_LOGS_ENDPOINT and OTEL_EXPORTER_OTLP_HEADERS point.
// argv[2]: `json` (exporter-logs-otlp-http) or `protobuf` (exporter-logs-otlp-proto);
// argv[3]: the service name. Prints the span's trace and span ids as JSON on
// stdout, and `export: …` on stderr for each export that failed.
import { context, SeverityNumber } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPLogExporter as JsonExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtobufExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

const encoding = process.argv[2] ?? 'json';
const service = process.argv[3] ?? 'checkout';
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const exporter = encoding === 'protobuf' ? new ProtobufExporter() : new JsonExporter();
const reporting = {
  export(records, done) {
    exporter.export(records, (result) => {
      if (result.code !== 0) process.stderr.write(`export: ${result.error?.message ?? result.code}\n`);
      done(result);
    });
  },
  shutdown: () => exporter.shutdown(),
  forceFlush: () => exporter.forceFlush(),
};
const provider = new LoggerProvider({
  resource: resourceFromAttributes({ 'service.name': service }),
  processors: [new SimpleLogRecordProcessor({ exporter: reporting })],
});
const logger = provider.getLogger('orders');
const tracer = new BasicTracerProvider().getTracer('orders');

const ids = await tracer.startActiveSpan('place order', async (span) => {
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: `order placed via ${encoding}`,
    attributes: { order_id: 42, express: true },
  });
  logger.emit({ severityNumber: SeverityNumber.WARN, body: { message: `stock low via ${encoding}`, sku: 'A-7' } });
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    body: `payment failed via ${encoding}`,
    attributes: { 'exception.type': 'PaymentError', 'exception.message': 'card declined' },
  });
  span.end();
  return span.spanContext();
});
await provider.forceFlush();
await provider.shutdown();
process.stdout.write(`${JSON.stringify({ traceId: ids.traceId, spanId: ids.spanId })}\n`);
