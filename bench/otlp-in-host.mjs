// The receiving side of the OTLP-in benchmark (bench/otlp-in.mjs): a program
// with a pulselog dashboard, as a user runs one. `node otlp-in-host.mjs <records>`
// prints JSON lines: `ready` with the dashboard's URL, `in` when the logger
// has taken every record in (numbered and queued, as its own calls are),
// `flushed` when the session file holds them. Runs in a fresh temporary folder.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@pulselog/logger';

const expected = Number(process.argv[2]);
process.chdir(mkdtempSync(join(tmpdir(), 'pulselog-otlp-in-')));
const now = () => performance.timeOrigin + performance.now();
const say = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);

const log = new Logger('otlp-in', { dashboard: true, open: false, port: 0, linger: 0 });
say({ t: 'ready', url: await log.dashboardUrl() });
const timer = setInterval(async () => {
  const got = log.stats().logged;
  if (got < expected) return;
  clearInterval(timer);
  say({ t: 'in', at: now(), got });
  await log.flush({ timeout: 120_000 });
  say({ t: 'flushed', at: now(), dropped: log.stats().dropped });
  await log.shutdown();
  process.exit(0);
}, 2);
