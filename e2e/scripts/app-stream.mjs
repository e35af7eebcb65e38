// A long-running job: 2,000 records at once, then one more every 20 ms until
// it is killed, so the list has a tail to follow.
import { Logger } from '@pulselog/logger';

const log = new Logger('app-stream');
let n = 0;
for (; n < 2000; n++) log.info(`step ${n}`, { n });
setInterval(() => {
  log.info(`step ${n}`, { n });
  n++;
}, 20);
