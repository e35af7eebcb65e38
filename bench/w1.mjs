// One benchmark process: `node w1.mjs <logger> <calls>`; prints a JSON line.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [name, callsArg] = process.argv.slice(2);
const calls = Number(callsArg);
const dir = mkdtempSync(join(tmpdir(), 'pulselog-bench-'));
process.chdir(dir);

async function make() {
  switch (name) {
    case 'pulselog': {
      const { Logger } = await import('@pulselog/logger');
      const log = new Logger('bench', { dashboard: false, level: 'info' });
      return { call: () => log.info('hello world'), end: () => log.shutdown() };
    }
    case 'pino-sync':
    case 'pino-async': {
      const { default: pino } = await import('pino');
      const dest = pino.destination({ dest: join(dir, 'pino.log'), sync: name === 'pino-sync' });
      const log = pino(dest);
      return { call: () => log.info('hello world'), end: () => new Promise((r) => dest.flush(r)) };
    }
    case 'winston': {
      const { default: winston } = await import('winston');
      const log = winston.createLogger({ transports: [new winston.transports.File({ filename: join(dir, 'w.log') })] });
      return { call: () => log.info('hello world'), end: () => new Promise((r) => setTimeout(r, 100)) };
    }
  }
  throw new Error(`unknown logger ${name}`);
}

const logger = await make();
for (let i = 0; i < 10_000; i++) logger.call();
const start = process.hrtime.bigint();
for (let i = 0; i < calls; i++) logger.call();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
await logger.end();
console.log(JSON.stringify({ name, callsPerSec: calls / seconds }));
process.exit(0);
