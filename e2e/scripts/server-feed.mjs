// Waits for `go` on stdin, then logs five runs of 1,000 records with a
// checkpoint saved after each, and ends. Whatever reaches a dashboard tab
// must match the session file, in its order.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@pulselog/logger';

// With STOP_PIPELINE, an output that ends the pipeline thread on its third
// batch, as a crash there would: records in passage are lost to every consumer.
const outputs = [];
if (process.env.STOP_PIPELINE) {
  const file = join(process.cwd(), 'crashing-output.mjs');
  writeFileSync(file, 'let n = 0;\nexport default () => ({ write() { if (++n === 3) process.exit(1); } });\n');
  outputs.push({ target: file });
}
const log = new Logger('e2e-feed', { outputs });
await log.dashboardUrl();
process.stderr.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
// Reading stdin no more, so the script ends by itself once its work is done.
process.stdin.destroy();
for (let step = 1; step <= 5; step++) {
  for (let i = 0; i < 1000; i++) log.info('step', { step, i, note: i % 100 === 0 ? 'héllo ✓ "quoted"' : 'plain' });
  log.save(`step-${step}`, { step }, { status: 'DONE', progress: step * 20 });
  // Lets the pipeline thread's end, if it comes, be seen before the next step.
  await new Promise((resolve) => setTimeout(resolve, 50));
}
