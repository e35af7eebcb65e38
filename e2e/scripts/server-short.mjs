// A short script: logs 100 records and ends at once, leaving the logger to
// make sure a dashboard tab receives them.
import { Logger } from '@pulselog/logger';

const log = new Logger('e2e-short');
for (let i = 0; i < 100; i++) log.info(`short ${i}`, { i });
