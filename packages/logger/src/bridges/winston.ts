/**
 * `@pulselog/logger/winston`: a winston transport into a pulselog logger.
 *
 * ```js
 * import winston from 'winston';
 * import { PulselogTransport } from '@pulselog/logger/winston';
 * const log = winston.createLogger({ transports: [new PulselogTransport({ name: 'api', handleExceptions: true })] });
 * ```
 */
import type { LevelName } from '@pulselog/shared';
import TransportStream from 'winston-transport';
import { Logger, type LoggerSetup } from '../logger.js';
import { errorOf, fieldsOf, levelOfWinston } from './winston-map.js';

/** Options of `PulselogTransport`: winston's own, and where records go. */
export interface PulselogTransportOptions extends TransportStream.TransportStreamOptions {
  /** The pulselog logger to write to; by default the transport makes its own and shuts it down on `close()`. */
  logger?: Logger;
  /** The session's name of the logger the transport makes. Default `winston`. */
  name?: string;
  /** Settings of the logger the transport makes (its `level` is pulselog's; winston's `level` is the option above). */
  pulselog?: LoggerSetup;
  /** pulselog levels for custom winston level names, e.g. `{ notice: 'info' }`. */
  mapLevels?: Record<string, LevelName>;
}

const LEVEL = Symbol.for('level');

/**
 * A winston transport whose records go to a pulselog logger: winston's
 * levels (npm's, syslog's, or custom ones through `levels`) mapped to
 * pulselog's, metadata as fields, and errors (logged alone, as metadata, or
 * caught by `handleExceptions`) with their stacks.
 */
export class PulselogTransport extends TransportStream {
  /** The pulselog logger records go to. (winston's transport base class keeps `levels` and `parent` of its own.) */
  readonly target: Logger;
  private readonly owned: boolean;
  private readonly mapLevels: Record<string, LevelName>;

  constructor(options: PulselogTransportOptions = {}) {
    const { logger, name = 'winston', pulselog, mapLevels = {}, ...transport } = options;
    super(transport);
    this.owned = logger === undefined;
    this.target = logger ?? new Logger(name, pulselog);
    this.mapLevels = mapLevels;
  }

  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const name = typeof info[LEVEL] === 'string' ? (info[LEVEL] as string) : String(info.level);
    const level = levelOfWinston(name, this.mapLevels);
    const err = errorOf(info);
    const fields = fieldsOf(info, err);
    const msg = typeof info.message === 'string' ? info.message : info.message === undefined ? '' : info.message;
    if (err !== undefined && level === 'error') this.target.exception(msg, err, fields);
    else {
      if (err !== undefined) fields.err = err;
      this.target[level](msg, fields);
    }
    // winston waits for `logged` before it counts the record handled (its exception handler among others).
    setImmediate(() => this.emit('logged', info));
    next();
  }

  /** Shuts down the logger the transport made; one handed in is left to its owner. */
  override close(): void {
    if (this.owned) void this.target.shutdown();
  }
}
