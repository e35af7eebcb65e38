// A program whose console output becomes records (`captureConsole: true`)
// and still prints: each console method once, with util.format's placeholders.
import { Logger } from '@pulselog/logger';

const log = new Logger('console-app', { dashboard: false, captureConsole: true });
console.log('plain %s number %d', 'text', 42, { extra: true });
console.info('info line');
console.debug('debug line');
console.warn('warn line');
console.error('error line', new Error('shown with its stack'));
console.trace('trace line');
log.info('own record');
