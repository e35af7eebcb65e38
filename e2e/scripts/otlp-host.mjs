// A program with a pulselog dashboard that other services send OTLP logs to:
// it logs one record of its own and runs until it is killed.
import { Logger } from '@pulselog/logger';

const log = new Logger('otlp-host');
log.info('host ready');
setInterval(() => {}, 1000);
