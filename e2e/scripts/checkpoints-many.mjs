// Saves the number of checkpoints given as the first argument (default
// 20,000), each with about 20 kB of data, says `saved N` on stderr, then
// logs a record every 100 ms until killed.
import { Logger } from '@pulselog/logger';

const total = Number(process.argv[2] ?? 20_000);
const log = new Logger('e2e-checkpoints');
await log.dashboardUrl();
const filler = 'w'.repeat(20_000);
for (let i = 0; i < total; i++) {
  log.save(`checkpoint-${i}`, { i, filler, tail: `end of ${i}` }, { progress: i % 2 === 0 ? 100 : 0 });
  // A program that saves this often still yields now and then.
  if (i % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
}
process.stderr.write(`saved ${total}\n`);
let n = 0;
setInterval(() => log.info('still working', { n: n++ }), 100);
