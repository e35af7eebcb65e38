// Once stdin says go, logs 50,000 records of about 1 kB, says `logged` on
// stderr and ends, leaving the logger to wait up to `linger` for a tab.
import { Logger } from '@pulselog/logger';

const log = new Logger('e2e-stuck');
await log.dashboardUrl();
process.stderr.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
// Stdin left open would keep the process alive by itself.
process.stdin.destroy();
const payload = 'p'.repeat(1000);
for (let i = 0; i < 50_000; i++) log.info('bulk', { i, payload });
process.stderr.write('logged\n');
