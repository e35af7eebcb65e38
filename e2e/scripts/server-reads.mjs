// Reads its own file every 10 ms, as a program at work does, logging each
// read (`read` with its size, or `read failed` with the error code), until
// stdin says stop; then says `reads N failed M` on stderr and ends.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Logger } from '@pulselog/logger';

const log = new Logger('e2e-reads');
await log.dashboardUrl();
const self = fileURLToPath(import.meta.url);
let reads = 0;
let failed = 0;
const timer = setInterval(async () => {
  reads++;
  try {
    const text = await readFile(self, 'utf8');
    log.info('read', { bytes: text.length, reads });
  } catch (err) {
    failed++;
    log.error('read failed', { code: err.code, reads });
  }
}, 10);
process.stderr.write('ready\n');
process.stdin.once('data', () => {
  clearInterval(timer);
  process.stderr.write(`reads ${reads} failed ${failed}\n`);
  process.exit(0);
});
