// Child of bench/browser.mjs (not run on its own): a program logging as fast
// as it can. Logs BENCH_BACKLOG records at once, says so on stderr, then
// logs N more records in one tight loop for every `go N` line on stdin.
import { createInterface } from 'node:readline';
import { Logger } from '@pulselog/logger';

const LEVELS = ['debug', 'info', 'info', 'warning', 'error'];
const METHODS = ['GET', 'POST', 'PUT'];
const log = new Logger('bench-browser');
let next = 0;

function burst(count) {
  for (let i = 0; i < count; i++) {
    const k = next++;
    log[LEVELS[k % 5]](`request ${k} done`, {
      status: k % 50 === 0 ? 503 : 200,
      user_id: k % 1000,
      ms: k % 97,
      method: METHODS[k % 3],
    });
  }
}

burst(Number(process.env.BENCH_BACKLOG ?? 0));
await log.flush();
process.stderr.write(`bench: logged ${next}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const match = /^go (\d+)$/.exec(line.trim());
  if (!match) return;
  burst(Number(match[1]));
  void log.flush().then(() => process.stderr.write(`bench: logged ${next}\n`));
});
