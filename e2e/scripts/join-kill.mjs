// A parent with a dashboard spawns a child (`node join-kill.mjs child N`)
// whose logger joins it; the child logs N records, flushes, says `flushed` on
// stdout and waits. The parent kills it with SIGKILL right then, logs that it
// did, and says `done` on stdout.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Logger } from '@pulselog/logger';

const [role, count = '1000'] = process.argv.slice(2);

if (role === 'child') {
  const log = new Logger('child');
  for (let i = 0; i < Number(count); i++) log.info(`child record ${i}`, { i });
  const ok = await log.flush();
  process.stdout.write(ok ? 'flushed\n' : 'flush timed out\n');
  setInterval(() => {}, 1000);
} else {
  const log = new Logger('parent');
  log.info('parent up');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'child', count], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout.setEncoding('utf8').on('data', (text) => {
    if (!text.includes('flushed')) return;
    child.kill('SIGKILL');
    child.on('exit', async (_code, signal) => {
      log.info('child killed', { signal });
      await log.flush();
      process.stdout.write('done\n');
    });
  });
  setInterval(() => {}, 1000);
}
