// A short job with the dashboard off: a divider, records with tags and
// fields, and an exception with a cause. Its terminal lines are the point.
import { Logger } from '@pulselog/logger';

const log = new Logger('e2e-pretty', { dashboard: false });
log.divider('load');
log.tag('etl');
log.info('rows read', { rows: 1200, file: 'orders.csv' });
log.warning('slow query', { duration_ms: 812.5 });
const cause = new Error('connection refused');
cause.code = 'ECONNREFUSED';
log.exception('load failed', new TypeError('upstream unavailable', { cause }), { attempt: 2 });
