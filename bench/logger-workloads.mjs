// The four workloads of the logger benchmark, and how each logger under test
// is set up and taken down. Used by logger-case.mjs; not run on its own.
import { once } from 'node:events';
import { join } from 'node:path';

/** W3: a 20-key object nested 3 deep with an array of 10 numbers, built per call. */
export function w3Object(i) {
  const o = {};
  for (let k = 0; k < 20; k++) {
    if (k % 4 === 0) o[`k${k}`] = { id: i + k, name: `item ${k}`, inner: { depth: 3, ok: true, score: k * 0.5 } };
    else if (k % 4 === 1) o[`k${k}`] = `value ${k}`;
    else if (k % 4 === 2) o[`k${k}`] = i * k;
    else o[`k${k}`] = k % 2 === 0;
  }
  o.numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  return o;
}

/** W4: an Error whose stack has 10 frames of our own below the throw. */
function w4Error() {
  const dive = (n) => {
    if (n === 0) return new Error('connection reset by peer');
    return dive(n - 1);
  };
  const err = dive(9);
  void err.stack;
  return err;
}

/**
 * W2s: an OpenTelemetry span active around every call, as in a traced request
 * handler (the official SDK: `BasicTracerProvider`, `AsyncLocalStorageContextManager`).
 * Runs `measure` inside the span; pulselog adds its ids to each record, the
 * others log as in W2.
 */
async function insideSpan(measure) {
  const { context, trace } = await import('@opentelemetry/api');
  const { AsyncLocalStorageContextManager } = await import('@opentelemetry/context-async-hooks');
  const { BasicTracerProvider } = await import('@opentelemetry/sdk-trace-base');
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
  return trace.getTracer('bench').startActiveSpan('request', (span) => measure().finally(() => span.end()));
}

const w2 = {
  pulselog: (log, i) => log.info('request done', { user_id: i, latency_ms: 12.5, status: 200 }),
  pino: (log, i) => log.info({ user_id: i, latency_ms: 12.5, status: 200 }, 'request done'),
  winston: (log, i) => log.info('request done', { user_id: i, latency_ms: 12.5, status: 200 }),
};

/**
 * Workload name → per-logger call style: `(log, i) => void`; `setup` makes
 * the call's third argument, `around` runs the whole measurement inside
 * something (loggers are made before it, as a program makes them at start).
 */
export const WORKLOADS = {
  W1: {
    label: "info('hello world')",
    pulselog: (log) => log.info('hello world'),
    pino: (log) => log.info('hello world'),
    winston: (log) => log.info('hello world'),
  },
  W2: { label: 'message + 3 fields built per call', ...w2 },
  W2p: {
    label: "W2 in pino's order: info({ … }, 'msg')",
    ...w2,
    pulselog: (log, i) => log.info({ user_id: i, latency_ms: 12.5, status: 200 }, 'request done'),
  },
  W2s: { label: 'W2 inside an active OpenTelemetry span', ...w2, around: insideSpan },
  W3: {
    label: '20-key object, 3 deep, array of 10',
    pulselog: (log, i) => log.info('state', w3Object(i)),
    pino: (log, i) => log.info(w3Object(i), 'state'),
    winston: (log, i) => log.info('state', w3Object(i)),
  },
  W4: {
    label: 'Error with a 10-frame stack',
    setup: () => w4Error(),
    pulselog: (log, _i, err) => log.exception('request failed', err),
    pino: (log, _i, err) => log.error({ err }, 'request failed'),
    winston: (log, _i, err) =>
      log.error('request failed', { err: { name: err.name, message: err.message, stack: err.stack } }),
  },
};

/** A typical `redact` list: a key, a key below one, one level down under any key, any depth. */
export const REDACT_PATHS = ['password', 'headers.authorization', '*.secret', '**.token'];
/** The same for pino, whose `redact` has no `**`: the key itself and one level down stand for it. */
export const PINO_REDACT_PATHS = ['password', 'headers.authorization', '*.secret', 'token', '*.token'];

/**
 * Sets up one configuration in `dir`. A `+redact` suffix (`pulselog+redact`,
 * `pino-worker+redact`) sets the logger's `redact` to the typical list. Returns the logger, its call style, the
 * file its records land in, how to recognise a record line (from its bytes
 * and start offset), how to flush
 * (resolves once the logger has handed everything to its destination) and
 * how to end.
 */
export async function setup(name, dir) {
  const redact = name.endsWith('+redact');
  const config = redact ? name.slice(0, -'+redact'.length) : name;
  const pinoOptions = redact ? { redact: PINO_REDACT_PATHS } : {};
  switch (config) {
    case 'pulselog':
    case 'pulselog+dashboard':
    case 'pulselog-nohealth':
    case 'pulselog+profile': {
      const { Logger } = await import('@pulselog/logger');
      const dashboard = config === 'pulselog+dashboard';
      // Health sampling is on by default; `-nohealth` and `+profile` are the variants bench/insight.mjs compares.
      const insight = { health: config !== 'pulselog-nohealth', profile: config === 'pulselog+profile' };
      const log = new Logger('bench', {
        dashboard,
        open: false,
        port: 0,
        linger: 0,
        level: 'info',
        ...insight,
        ...(redact ? { redact: REDACT_PATHS } : {}),
      });
      const url = dashboard ? await log.dashboardUrl() : undefined;
      return {
        log,
        style: 'pulselog',
        file: log.stats().sessionFile,
        // Record lines start with `{"seq":`; the header, checkpoints and the end line with `{"type":`.
        isRecord: (bytes, start) => bytes[start + 2] === 0x73,
        flush: () => log.flush({ timeout: 120_000 }),
        end: () => log.shutdown(),
        url,
      };
    }
    case 'pino-sync':
    case 'pino-async': {
      const { default: pino } = await import('pino');
      const file = join(dir, 'pino.log');
      const dest = pino.destination({ dest: file, sync: config === 'pino-sync' });
      if (config === 'pino-async') await once(dest, 'ready');
      const log = pino(pinoOptions, dest);
      const flush = () => new Promise((resolve) => (config === 'pino-sync' ? resolve() : dest.flush(() => resolve())));
      return { log, style: 'pino', file, isRecord: () => true, flush, end: flush };
    }
    case 'pino-worker': {
      const { default: pino } = await import('pino');
      const file = join(dir, 'pino.log');
      const transport = pino.transport({ target: 'pino/file', options: { destination: file } });
      await once(transport, 'ready');
      const log = pino(pinoOptions, transport);
      const flush = () => new Promise((resolve) => log.flush(() => resolve()));
      return { log, style: 'pino', file, isRecord: () => true, flush, end: flush };
    }
    case 'winston': {
      if (redact) throw new Error('winston has no redact option');
      const { default: winston } = await import('winston');
      const file = join(dir, 'winston.log');
      const transport = new winston.transports.File({ filename: file });
      const log = winston.createLogger({ format: winston.format.json(), transports: [transport] });
      return { log, style: 'winston', file, isRecord: () => true, flush: async () => {}, end: async () => {} };
    }
  }
  throw new Error(`unknown configuration ${name}`);
}
