// A cluster primary with three workers and a worker thread, each with a logger
// of its own: they all join the primary's dashboard. Each logs `count` records
// (argv[2], default 50), then flushes and says so on stdout.
import cluster from 'node:cluster';
import { isMainThread, Worker } from 'node:worker_threads';
import { Logger } from '@pulselog/logger';

const count = Number(process.argv[2] ?? 50);

async function logSome(log, who) {
  for (let i = 0; i < count; i++) log.info(`${who} record ${i}`, { i, who });
  await log.flush();
}

if (!isMainThread) {
  const log = new Logger('thread');
  await logSome(log, 'thread');
  process.stdout.write('thread flushed\n');
} else if (cluster.isPrimary) {
  const log = new Logger('primary');
  log.info('primary up');
  let done = 0;
  const finished = () => {
    if (++done === 4) {
      log.info('every source done');
      void log.flush().then(() => process.stdout.write('all flushed\n'));
    }
  };
  for (let i = 0; i < 3; i++) cluster.fork().on('exit', finished);
  new Worker(new URL(import.meta.url), { argv: [String(count)] }).on('exit', finished);
  setInterval(() => {}, 1000);
} else {
  const log = new Logger('worker');
  await logSome(log, `worker-${cluster.worker.id}`);
  process.stdout.write('worker flushed\n');
  process.exit(0);
}
