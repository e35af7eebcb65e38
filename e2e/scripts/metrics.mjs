// Logs the number of records at each level given as JSON in argv[2] (like
// {"info":40,"error":3}), says `logged` on stdout once the pipeline has them,
// then stays up until killed, for a scraper to read its /metrics.
import { Logger } from '@pulselog/logger';

const counts = JSON.parse(process.argv[2] ?? '{}');
const log = new Logger('e2e-metrics');
for (const [level, n] of Object.entries(counts)) {
  for (let i = 0; i < n; i++) log[level](`metrics ${level} ${i}`, { i });
}
await log.flush();
process.stdout.write('logged\n');
setInterval(() => {}, 1 << 30);
