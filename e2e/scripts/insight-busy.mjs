// A program that keeps its main thread busy: `crunchNumbers` takes most of
// its time, in slices of 40 ms between log calls and short sleeps. Runs for
// argv[2] seconds (default 4), then ends by itself, or with `process.exit()`
// when argv[3] is `exit`. Health is on by default; the profiler with
// PULSELOG_PROFILE=1.
import { Logger } from '@pulselog/logger';

const seconds = Number(process.argv[2] ?? 4);
const log = new Logger('e2e-insight', { linger: 0 });

function crunchNumbers(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) for (let i = 0; i < 1000; i++) x += Math.sqrt(i * x + 1);
  return x;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const end = Date.now() + seconds * 1000;
for (let round = 0; Date.now() < end; round++) {
  const x = crunchNumbers(40);
  log.info('round done', { round, x });
  if (round % 10 === 0) log.warning('a slow round', { round });
  // The pause is a span: rounds 30 and 80 pause far longer than the rest, which flags them as anomalies.
  await log.span('pause', () => sleep(round === 30 || round === 80 ? 600 : 10));
}
if (process.argv[3] === 'exit') process.exit(0);
