// Logs 50 records, waits for a line on stdin, logs 50 more and ends on its
// own: a test can let a tab come and go before the end.
import { Logger } from '@pulselog/logger';

const log = new Logger('e2e-wait');
for (let i = 0; i < 50; i++) log.info(`before ${i}`, { i });
await log.dashboardUrl();
process.stdin.once('data', () => {
  // Stdin must not keep the process up: the end is the logger's to decide.
  process.stdin.destroy();
  for (let i = 50; i < 100; i++) log.info(`after ${i}`, { i });
});
