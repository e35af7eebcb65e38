// Logs 1,000 records with fields at every level, then stays up until killed,
// the way a long-running job would.
import { Logger } from '@pulselog/logger';

const LEVELS = ['debug', 'info', 'warning', 'error', 'critical'];
const log = new Logger('e2e-1000');
for (let i = 0; i < 1000; i++) {
  const level = LEVELS[i % LEVELS.length];
  log[level](`record ${i}`, { i, square: i * i, even: i % 2 === 0 });
}
setInterval(() => {}, 1 << 30);
