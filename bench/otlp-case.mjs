// One run of one logger sending W2 records to an OTLP/HTTP receiver, in a fresh process:
// `node otlp-case.mjs pulselog|pulselog-serial|pulselog-baseline|pino-otel|pino-otel-queue <calls>`, the receiver named by
// OTEL_EXPORTER_OTLP_LOGS_ENDPOINT.
// Started by otlp.mjs; see there for what is measured. Prints JSON lines: `start` (its
// time), `called` (the calls' duration), then stays up until killed so delivery can finish.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const [config, callsArg] = process.argv.slice(2);
const CALLS = Number(callsArg);
/** Calls between turns of the event loop, as a busy program would make them. */
const CHUNK = 1000;
const now = () => performance.timeOrigin + performance.now();
const say = (fields) => process.stdout.write(`${JSON.stringify(fields)}\n`);

async function setup() {
  if (config.startsWith('pulselog')) {
    // `pulselog-baseline`: another build of the logger, its `dist` folder named by BENCH_OTLP_BASELINE.
    const entry =
      config === 'pulselog-baseline'
        ? pathToFileURL(resolve(process.env.BENCH_OTLP_BASELINE ?? '', 'index.js')).href
        : '@pulselog/logger';
    const { Logger } = await import(entry);
    // The OTLP output alone, as pino's transport: no session file, no dashboard.
    const log = new Logger('bench', {
      dashboard: false,
      open: false,
      linger: 0,
      level: 'info',
      sessionDir: false,
      outputs: [{ target: 'otlp' }],
    });
    return {
      call: (i) => log.info('request done', { user_id: i, latency_ms: 12.5, status: 200 }),
      settle: () => log.flush({ timeout: 120_000 }),
    };
  }
  const { default: pino } = await import('pino');
  // pino resolves a target from the caller's file; named by its path, it loads from any working directory.
  const target = createRequire(import.meta.url).resolve('pino-opentelemetry-transport');
  const options = { loggerName: 'bench' };
  if (config === 'pino-otel-queue') {
    // The SDK's batch processor with a queue as large as the run, so that it drops nothing.
    options.logRecordProcessorOptions = { recordProcessorType: 'batch', processorConfig: { maxQueueSize: CALLS } };
  }
  const transport = pino.transport({ target, options });
  const log = pino({ level: 'info' }, transport);
  return {
    call: (i) => log.info({ user_id: i, latency_ms: 12.5, status: 200 }, 'request done'),
    settle: () => new Promise((resolve) => log.flush(resolve)),
  };
}

const logger = await setup();
const start = now();
say({ start });
for (let i = 0; i < CALLS; ) {
  const end = Math.min(CALLS, i + CHUNK);
  for (; i < end; i++) logger.call(i);
  await yieldToLoop();
}
say({ calledMs: now() - start });
await logger.settle();
say({ settledMs: now() - start });
setInterval(() => {}, 1 << 30);
