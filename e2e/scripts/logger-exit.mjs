// Logs 1,000,000 records in a tight loop, then ends the way argv[2] says:
// end | exit | throw | reject | signal | signal-handled. Used by logger-exit.e2e.test.ts.
import { Logger } from '@pulselog/logger';

const mode = process.argv[2];
const log = new Logger('exit-test');
if (mode === 'signal-handled') {
  process.on('SIGTERM', () => {
    log.warning('cleaning up after SIGTERM');
    setTimeout(() => process.exit(0), 20);
  });
}
for (let i = 0; i < 1_000_000; i++) log.info('r', { i });

switch (mode) {
  case 'exit':
    process.exit(3);
    break;
  case 'throw':
    setTimeout(() => {
      throw new Error('boom');
    });
    break;
  case 'reject':
    setTimeout(() => {
      Promise.reject(new Error('nobody caught this'));
    });
    break;
  case 'signal':
  case 'signal-handled':
    // Stay up until the test sends the signal.
    setInterval(() => {}, 1 << 30);
    process.stderr.write('logged\n');
    break;
}
