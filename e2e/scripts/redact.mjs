// A logger with `redact` and `redactValues` that logs secrets everywhere a
// program puts them (depth 6, arrays, child bindings, context fields, a
// message, an error, checkpoint data) beside values that must stay, then a
// 10 MB field: eight records and a checkpoint, to the session file, the
// dashboard and an output (REDACT_OUTPUT). Then it waits until a line
// arrives on stdin, shuts the logger down and exits with code 0.
import { Logger } from '@pulselog/logger';

// REDACT_OUTPUT: an output module, handed REDACT_OUTPUT_FILE to write its lines to.
const outputs = process.env.REDACT_OUTPUT
  ? [{ target: process.env.REDACT_OUTPUT, options: { file: process.env.REDACT_OUTPUT_FILE } }]
  : [];
const log = new Logger('redact', {
  redact: ['password', 'headers.authorization', '*.secret', '**.token'],
  redactValues: true,
  outputs,
});
log.info('deep', { a: { b: { c: { d: { e: { token: 'tok-depth6', keep: 'visible-6' } } } } } });
log.info('login', { password: 'hunter2-secret', user: 'ada' });
log.info('users', {
  users: [
    { secret: 's1-secret', name: 'first' },
    { secret: 's2-secret', name: 'second' },
  ],
});
log.child({ headers: { authorization: 'Bearer bound-secret-1', host: 'example.test' } }).info('bound');
await log.context({ tag: 'job', token: 'ctx-secret-token', job: 7 }, async () => log.info('in context'));
log.info('a message with Bearer eyJmsg.secret.part inside');
log.exception('failed', new Error('key AKIAABCDEFGHIJKLMNOP leaked'));
log.save('cfg', { password: 'pw-secret-cp', lr: 0.1 });
log.info('response', { status: 200, body: 'b'.repeat(10_000_000) });
process.stdin.once('data', async () => {
  await log.shutdown();
  process.exit(0);
});
