// pino writing through the pulselog transport, in pino's worker.
// argv[2]: `target` (transport: { target }) or `targets` (with a second,
// file target beside it, written to argv[3]). Logs with a custom level,
// bindings, an error alone and an error with a message, then ends by itself.
import pino from 'pino';

const mode = process.argv[2] ?? 'target';
const pulselog = {
  target: '@pulselog/logger/pino',
  options: { name: 'pino-app', dashboard: false, mapLevels: { audit: 'warning' } },
};
const transport =
  mode === 'targets'
    ? {
        targets: [
          { ...pulselog, level: 'trace' },
          { target: 'pino/file', options: { destination: process.argv[3] } },
        ],
      }
    : pulselog;
const log = pino({ level: 'trace', customLevels: { notice: 35, audit: 45 }, transport });
log.info({ user_id: 7 }, 'user signed in');
log.child({ request_id: 'r-1' }).warn('slow request');
log.notice('custom level between info and warn');
log.audit('custom level mapped by name');
log.trace('trace detail');
const cause = new Error('socket closed');
log.error(new Error('boom', { cause }));
log.error({ err: new TypeError('bad input'), input: 'x' }, 'validation failed');
log.fatal('giving up');
