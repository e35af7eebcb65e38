// Logs 20,000 orders at once (every tenth a warning, every order on one of
// four shards), then, for each line `more N` on stdin, N more; for a tab
// that holds fewer records than that.
import { createInterface } from 'node:readline';
import { Logger } from '@pulselog/logger';

const log = new Logger('tab-cap');
let n = 1;
const write = (count) => {
  for (const end = n + count; n < end; n++) {
    if (n % 10 === 0) log.warning(`slow order ${n}`, { n, shard: n % 4 });
    else log.info(`order ${n}`, { n, shard: n % 4 });
  }
};
await log.dashboardUrl();
write(20_000);
await log.flush();
process.stderr.write('logged 20000\n');
createInterface({ input: process.stdin }).on('line', async (line) => {
  const more = /^more (\d+)$/.exec(line.trim());
  if (!more) return;
  write(Number(more[1]));
  await log.flush();
  process.stderr.write(`logged ${n - 1}\n`);
});
