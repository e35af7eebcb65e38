// winston writing through PulselogTransport. Logs at npm's levels, with
// metadata and errors, then throws an error nobody catches, which winston's
// `handleExceptions` reports before the process exits with code 1.
import { PulselogTransport } from '@pulselog/logger/winston';
import winston from 'winston';

const log = winston.createLogger({
  level: 'silly',
  defaultMeta: { service: 'billing' },
  transports: [new PulselogTransport({ name: 'winston-app', pulselog: { dashboard: false }, handleExceptions: true })],
});
log.info('invoice sent', { invoice: 17, amount: 12.5 });
log.warn('retrying');
log.http('GET /invoices');
log.verbose('cache warm');
log.error(new RangeError('amount out of range'));
log.error('payment failed', new Error('card declined'));
log.child({ request_id: 'r-9' }).debug('child logger');
setTimeout(() => {
  throw new Error('nobody caught this');
}, 50);
