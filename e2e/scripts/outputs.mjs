// Logs N records (argv[3]) in a tight loop into a logger with the outputs
// given as JSON in argv[2], creates the file argv[4] (if given) once the loop
// is done, then prints `stats()` as taken right after the loop and after
// `flush()` as one JSON line on stdout. PAUSE_AT: a record before which it
// stops logging for half a second.
import { writeFileSync } from 'node:fs';
import { Logger } from '@pulselog/logger';

const outputs = JSON.parse(process.argv[2] ?? '[]');
const count = Number(process.argv[3] ?? 200000);
const pauseAt = Number(process.env.PAUSE_AT ?? -1);
const log = new Logger('outputs', { dashboard: false, outputs });
for (let i = 0; i < count; i++) {
  // With PAUSE_AT, the program stops logging for a while there: its pipeline catches up meanwhile.
  if (i === pauseAt) await new Promise((resolve) => setTimeout(resolve, 500));
  log.info('step', { i, loss: 1 / (i + 1) });
}
const afterLoop = log.stats();
if (process.argv[4]) writeFileSync(process.argv[4], 'the loop is done');
const flushed = await log.flush({ timeout: 60000 });
const afterFlush = log.stats();
process.stdout.write(`${JSON.stringify({ afterLoop, afterFlush, flushed })}\n`);
await log.shutdown();
