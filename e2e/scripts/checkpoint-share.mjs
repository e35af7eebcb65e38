// Many processes on one checkpoint store, as a project folder shared by a
// few jobs sees it. Usage:
//   node checkpoint-share.mjs write <id> <rounds> <count>   saves <count> checkpoints <rounds> times over
//   node checkpoint-share.mjs open <stop-file>              opens the store again and again until <stop-file> exists
//   node checkpoint-share.mjs list                          prints every checkpoint's data as one JSON object
// Every mode prints its logger's stats() as the last line of stdout.
import { existsSync } from 'node:fs';
import { Logger } from '@pulselog/logger';

const [mode, ...args] = process.argv.slice(2);
const options = { dashboard: false, sessionDir: false };

if (mode === 'write') {
  const [id, rounds, count] = args.map(Number);
  const log = new Logger('shared-store', options);
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < count; i++) log.save(`w${id}-${i}`, { id, i, round }, { progress: (100 * round) / rounds });
  }
  process.stdout.write(`${JSON.stringify(log.stats())}\n`);
} else if (mode === 'open') {
  let opened = 0;
  while (!existsSync(args[0])) {
    const log = new Logger('shared-store', options);
    log.checkpoints();
    await log.shutdown();
    opened++;
  }
  process.stdout.write(`${JSON.stringify({ opened })}\n`);
} else if (mode === 'list') {
  const log = new Logger('shared-store', options);
  const all = {};
  for (const name of log.checkpoints()) all[name] = log.load(name);
  process.stdout.write(`${JSON.stringify(all)}\n${JSON.stringify(log.stats())}\n`);
} else {
  process.stderr.write('usage: checkpoint-share.mjs write <id> <rounds> <count> | open <stop-file> | list\n');
  process.exit(2);
}
