// A script of a project where `pulselog serve` runs: its logger finds the
// standing dashboard and sends its records there. Logs N records (argv[3],
// default 100) as logger argv[2], flushes, says `flushed` on stdout, and ends.
import { Logger } from '@pulselog/logger';

const [name = 'script', count = '100'] = process.argv.slice(2);
const log = new Logger(name);
for (let i = 0; i < Number(count); i++) {
  log.info(`${name} step ${i}`, { i });
  if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 5));
}
const ok = await log.flush();
process.stdout.write(
  `${ok ? 'flushed' : 'flush timed out'} ${log.stats().sessionFile ?? 'no session file of its own'}\n`,
);
