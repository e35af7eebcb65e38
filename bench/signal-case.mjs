// One process of bench/signals.mjs: logs 10,000 records, then stays busy in a
// synchronous loop until a signal ends it. argv[2]: `bare` (no logger, a loop
// of arithmetic), `pulselog-silent` (the same loop after logging),
// `pulselog-logging` (a loop of log calls), `pino-logging` (the same with pino,
// synchronous file destination). argv[3]: the file pino writes.
import { writeSync } from 'node:fs';
import { Logger } from '@pulselog/logger';
import pino from 'pino';

const [mode, pinoFile] = process.argv.slice(2);
let info;
let flush = async () => {};
if (mode.startsWith('pulselog')) {
  const log = new Logger('signals');
  info = (msg, fields) => log.info(msg, fields);
  flush = () => log.flush();
} else if (mode.startsWith('pino')) {
  const log = pino(pino.destination({ dest: pinoFile, sync: true }));
  info = (msg, fields) => log.info(fields, msg);
}
let i = 0;
if (info) while (i < 10_000) info('before', { i: ++i });
await flush();
writeSync(2, 'looping\n');
const until = Date.now() + 60_000;
if (mode.endsWith('logging')) {
  while (Date.now() < until) info('in the loop', { i: ++i });
} else {
  let x = 0;
  while (Date.now() < until) x += Math.sqrt(x + 1);
  info?.('after', { x });
}
