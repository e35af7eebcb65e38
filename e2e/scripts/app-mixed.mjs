// A small session with everything the logs view draws: every level, tags,
// fields, a child logger, an error with a cause chain, trace ids, dividers,
// ANSI colours and markup that must stay text, and three checkpoints. Then it
// waits until a line arrives on stdin, shuts the logger down and exits with
// code 3.
import { Logger } from '@pulselog/logger';

const log = new Logger('app-mixed');
log.divider('setup');
log.debug('reading config', { path: '/etc/app.toml' });
log.tag('training');
log.info('epoch done', { epoch: 1, loss: 0.4321, user_id: 42 });
log.warning('learning rate high', { lr: 0.5 });
log.tag(undefined);
const api = log.child({ service: 'api' });
for (let i = 0; i < 20; i++) {
  api.info(`GET /items/${i}`, {
    status: i % 7 === 0 ? 503 : 200,
    user_id: i,
    trace_id: `trace-${i}`,
    span_id: `span-${i}`,
  });
}
const cause = new Error('connection refused');
cause.code = 'ECONNREFUSED';
log.exception('request failed', new TypeError('upstream unavailable', { cause }), { status: 502 });
log.divider('phase 2');
log.info('\u001b[31mred alert\u001b[0m and \u001b[1;32mgreen bold\u001b[0m');
log.error('<img src=x onerror="window.__pwned=1">', { html: '<b>bold</b>' });
log.critical('disk full', { free: 0 });
if (typeof log.save === 'function') {
  log.save('epoch-1', { loss: 0.43, acc: 0.9 }, { status: 'DONE', progress: 100, note: 'first epoch' });
  log.save('epoch-2', { loss: 0.31 }, { status: 'IN_PROGRESS', progress: 40, note: 'running' });
  log.save('export', { path: '/tmp/model' }, { status: 'FAILED', progress: 10, note: 'disk full' });
}
process.stdin.once('data', async () => {
  log.info('asked to stop');
  await log.shutdown();
  process.exit(3);
});
