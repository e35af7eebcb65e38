// Prints, as JSON lines, which bridge dependencies Node has loaded: after
// `@pulselog/logger` is imported and a logger made, then after each bridge.
import { createRequire } from 'node:module';
import { Logger } from '@pulselog/logger';

const loaded = () => {
  const paths = Object.keys(createRequire(import.meta.url).cache);
  const has = (name) => paths.some((path) => path.includes(`/node_modules/${name}/`));
  return { pinoAbstractTransport: has('pino-abstract-transport'), winstonTransport: has('winston-transport') };
};
const log = new Logger('lazy', { dashboard: false });
log.info('made');
process.stdout.write(`${JSON.stringify({ after: 'logger', ...loaded() })}\n`);
await import('@pulselog/logger/winston');
process.stdout.write(`${JSON.stringify({ after: 'winston', ...loaded() })}\n`);
await import('@pulselog/logger/pino');
process.stdout.write(`${JSON.stringify({ after: 'pino', ...loaded() })}\n`);
await log.shutdown();
