// A pino app as it runs in production: JSON lines on stdout, for a pipe
// into `pulselog`. Levels from trace to fatal, bindings, an error with a
// stack and a cause, then it ends by itself.
import pino from 'pino';

// Written synchronously: pino's default stdout may write its first line after later ones on a busy machine.
const log = pino({ level: 'trace' }, pino.destination({ dest: 1, sync: true }));
log.info({ user_id: 7 }, 'user signed in');
log.child({ request_id: 'r-1' }).warn('slow request');
log.debug('cache warm');
log.trace('trace detail');
log.error({ err: new TypeError('bad input', { cause: new Error('socket closed') }), input: 'x' }, 'validation failed');
log.fatal('giving up');
