// Logs the number of records given as the first argument as fast as the
// logger takes them, yielding now and then as a real program would, says
// `logged N` on stderr and stays up until killed.
import { Logger } from '@pulselog/logger';

const total = Number(process.argv[2] ?? 1_000_000);
const log = new Logger('e2e-flood');
await log.dashboardUrl();
process.stderr.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
for (let i = 0; i < total; i++) {
  log.info('flood', { i });
  if (i % 10_000 === 9_999) await new Promise((resolve) => setImmediate(resolve));
}
await log.flush();
process.stderr.write(`logged ${total}\n`);
setInterval(() => {}, 1 << 30);
