// Logs 10,000 records, waits until they are written, then stays busy in a
// synchronous loop that never yields, logging on each turn (argv[2] =
// `logging`) or not (`silent`), until a signal ends it. `bare` runs the same
// loop without pulselog, to measure how long the signal takes by itself.
// `handled`: the program listens for SIGTERM itself (it logs and exits 0) and
// its loop ends after 1.5 s, when the listener gets to run.
// Used by signals.e2e.test.ts.
import { writeSync } from 'node:fs';
import { Logger } from '@pulselog/logger';

const mode = process.argv[2];
const log = mode === 'bare' ? undefined : new Logger('busy');
if (mode === 'handled') {
  process.on('SIGTERM', () => {
    log.warning('cleaning up after SIGTERM');
    process.exit(0);
  });
}
let i = 0;
if (log) {
  while (i < 10_000) log.info('before', { i: ++i });
  await log.flush();
}
// Straight to the file descriptor: the loop below never lets a stream write.
writeSync(2, 'looping\n');
const until = Date.now() + (mode === 'handled' ? 1500 : 30_000);
if (mode === 'logging') {
  while (Date.now() < until) log.info('in the loop', { i: ++i });
} else {
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  log?.info('after the loop', { x });
}
// The program stays up for its listener, as a server would.
if (mode === 'handled') setInterval(() => {}, 1 << 30);
else writeSync(2, 'loop ended without a signal\n');
