// Logs 100 records once stdin says so, then calls process.exit(3) at once,
// as a script that bails out would.
import { Logger } from '@pulselog/logger';

const log = new Logger('e2e-exit');
await log.dashboardUrl();
process.stdin.once('data', () => {
  for (let i = 0; i < 100; i++) log.info(`last words ${i}`, { i });
  process.exit(3);
});
