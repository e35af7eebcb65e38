/**
 * `@pulselog/logger/pino`: a pino transport into a pulselog logger.
 *
 * ```js
 * const log = pino({ transport: { target: '@pulselog/logger/pino', options: { name: 'api' } } });
 * ```
 *
 * pino loads it in its transport worker; the worker's pulselog logger writes
 * the session file and serves the dashboard. Records keep pino's `time`,
 * message, bindings and fields, and `err` as the record's error.
 */
import type { LevelName } from '@pulselog/shared';
import build from 'pino-abstract-transport';
import { INGEST } from '../ingest.js';
import { Logger, type LoggerSetup } from '../logger.js';
import { mapPinoLine, PINO_DEFAULTS, type PinoConfig } from './pino-map.js';

/** The transport's `options`: the logger's name and settings, and levels of one's own. */
export interface PulselogPinoOptions extends LoggerSetup {
  /** The session's name. Default `pino`. */
  name?: string;
  /** pulselog levels for custom pino level names, e.g. `{ notice: 'info' }`; others map by number. */
  mapLevels?: Record<string, LevelName>;
}

/** Keys pino puts in a transport's options itself. */
const PINO_OWN_KEYS = new Set(['pinoWillSendConfig', 'levels']);

/** Records taken from pino per call into the logger's queue: a bounded array, not one per line. */
const CHUNK = 256;

/** The transport's factory, as pino calls it in its worker with the `options` given. */
export default async function pulselogTransport(options: PulselogPinoOptions = {}) {
  const { name = 'pino', mapLevels = {}, ...rest } = options;
  // pino adds keys of its own (`$context`, `pinoWillSendConfig`, its custom `levels`): the rest are the logger's settings, checked as such.
  const setup = Object.fromEntries(
    Object.entries(rest).filter(([key]) => !key.startsWith('$') && !PINO_OWN_KEYS.has(key)),
  );
  const log = new Logger(name, setup);
  const ingest = log[INGEST]('pino');
  return build(
    async (source) => {
      const config: PinoConfig = {
        labels:
          (source as unknown as { levels?: { labels?: Record<string, string> } }).levels?.labels ??
          PINO_DEFAULTS.labels,
        messageKey: (source as unknown as { messageKey?: string }).messageKey ?? PINO_DEFAULTS.messageKey,
        errorKey: (source as unknown as { errorKey?: string }).errorKey ?? PINO_DEFAULTS.errorKey,
      };
      let times: number[] = [];
      let tails: string[] = [];
      for await (const line of source) {
        if (typeof line !== 'object' || line === null) continue;
        const { time, tail } = mapPinoLine(line as Record<string, unknown>, config, mapLevels, Date.now());
        times.push(time);
        tails.push(tail);
        // Lines that arrived together go together; a burst waits for no more than a chunk.
        if (tails.length >= CHUNK || source.readableLength === 0) {
          ingest(times, tails);
          times = [];
          tails = [];
        }
      }
      if (tails.length > 0) ingest(times, tails);
    },
    {
      expectPinoConfig: true,
      async close() {
        await log.shutdown();
      },
    },
  );
}
