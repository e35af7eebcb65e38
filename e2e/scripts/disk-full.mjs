// Logs into a folder (argv[2]) on a disk the test fills and empties again, in
// three phases, each started by a line on stdin: before, while full, after.
// After each phase it prints its stats() as one JSON line on stdout.
// Used by disk-full.e2e.test.ts.

import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Logger } from '@pulselog/logger';

const dir = process.argv[2];
const log = new Logger('disk', {
  sessionDir: join(dir, 'sessions'),
  checkpointPath: join(dir, 'checkpoints'),
  linger: 0,
});
const pad = 'p'.repeat(200);
let logged = 0;
function logSome(n) {
  for (let i = 0; i < n; i++) log.info('step', { i: ++logged, pad });
}

const phases = [
  async () => {
    logSome(200);
    log.save('before', { ok: true });
  },
  async () => {
    logSome(2000);
    log.save('while-full', { pad: 'x'.repeat(10_000) });
    logSome(2000);
  },
  async () => {
    logSome(100);
    log.save('after', { ok: true });
    await log.shutdown();
    // A save after shutdown is still stored, and counted.
    log.save('late', { ok: true });
  },
];

const url = await log.dashboardUrl();
process.stdout.write(`${JSON.stringify({ url })}\n`);
const lines = createInterface({ input: process.stdin });
for await (const _ of lines) {
  const phase = phases.shift();
  if (phase === undefined) break;
  await phase();
  await log.flush();
  process.stdout.write(`${JSON.stringify({ logged, stats: log.stats() })}\n`);
  if (phases.length === 0) break;
}
lines.close();
