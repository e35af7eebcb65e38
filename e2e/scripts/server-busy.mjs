// Logs 10,000 records, then pins the main thread in a busy loop, as a
// CPU-bound job would, until the file `release` appears in the working
// directory (at most 60 s). Says `busy` before the loop and `free` after it.
import { existsSync } from 'node:fs';
import { Logger } from '@pulselog/logger';

const log = new Logger('e2e-busy');
await log.dashboardUrl();
for (let i = 0; i < 10_000; i++) log.info(`record ${i}`, { i });
await log.flush();
process.stderr.write('busy\n');
const start = Date.now();
let spins = 0;
while (!existsSync('release') && Date.now() - start < 60_000) spins++;
process.stderr.write(`free after ${Date.now() - start} ms (${spins} spins)\n`);
setInterval(() => {}, 1 << 30);
