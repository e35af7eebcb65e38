// Waits for `go` on stdin, then logs five runs of 1,000 records with a
// checkpoint saved after each, and ends. Whatever reaches a dashboard tab
// must match the session file, in its order.
import { Logger } from '@pulselog/logger';

const log = new Logger('e2e-feed');
await log.dashboardUrl();
process.stderr.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
// Reading stdin no more, so the script ends by itself once its work is done.
process.stdin.destroy();
for (let step = 1; step <= 5; step++) {
  for (let i = 0; i < 1000; i++) log.info('step', { step, i, note: i % 100 === 0 ? 'héllo ✓ "quoted"' : 'plain' });
  log.save(`step-${step}`, { step }, { status: 'DONE', progress: step * 20 });
  if (step === 2 && process.env.STOP_RECORDER) {
    // As a crash of the session recorder's thread would: the test reaches into the logger to stop it,
    // with records of this step likely still on their way to it, and waits until it is gone.
    const worker = log.core.recorder.worker;
    await Promise.all([new Promise((resolve) => worker.once('exit', resolve)), worker.terminate()]);
  }
}
