// A running job that records no session file: its records live only in its
// dashboard, until stdin closes.
import { Logger } from '@pulselog/logger';

const log = new Logger('live-job', { sessionDir: false });
for (let i = 1; i <= 50; i++) log.info('request served', { i, status: i % 10 === 0 ? 503 : 200 });
log.exception('upstream timed out', new Error('socket hang up'), { upstream: 'billing' });
await log.flush();
await log.dashboardUrl();
process.stdout.write('ready\n');
process.stdin.resume();
process.stdin.on('end', async () => {
  await log.shutdown();
});
