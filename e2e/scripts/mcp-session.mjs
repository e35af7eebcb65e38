// A short job with the records an assistant asks about: progress, a failing
// call with its stack, spans (one far slower than the others), a checkpoint.
import { Logger } from '@pulselog/logger';

const log = new Logger('train', { dashboard: false });
for (let epoch = 1; epoch <= 30; epoch++) log.info('epoch done', { epoch, loss: 1 / epoch });
for (let i = 0; i < 25; i++) log.time('load batch', { i })();
await log.span('load batch', () => new Promise((resolve) => setTimeout(resolve, 200)), { i: 25 });
try {
  JSON.parse('{"broken');
} catch (err) {
  log.exception('could not read the shard manifest', err, { shard: 17 });
}
log.error('upload failed after 3 retries', { bucket: 'runs' });
log.error('upload failed after 5 retries', { bucket: 'runs' });
log.save('epoch', { epoch: 30 }, { progress: 100, status: 'DONE', note: 'all epochs' });
await log.shutdown();
