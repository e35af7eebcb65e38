// pino's habits and a trace, for the page: records logged in pino's argument
// orders, at trace level and with errors, then two requests, each inside an
// OpenTelemetry span of the official SDK (sdk-trace-base, with the
// AsyncLocalStorage context manager) and across an await. Runs until killed.
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Logger } from '@pulselog/logger';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider());

const log = new Logger('api-habits', { level: 'trace' });
log.info({ user_id: 7 }, 'signed in');
log.trace('cache probe', { key: 'u:7' });
log.error(new Error('upload failed', { cause: new Error('socket closed') }), 'while uploading');
log.error({ err: new TypeError('bad csv'), file: 'a.csv' }, 'import failed');
const tracer = trace.getTracer('e2e');
for (const order of [1, 2]) {
  await tracer.startActiveSpan(`order ${order}`, async (span) => {
    log.info({ order }, 'order received');
    await new Promise((resolve) => setTimeout(resolve, 5));
    log.info('order stored', { order });
    span.end();
  });
}
setInterval(() => {}, 1000);
