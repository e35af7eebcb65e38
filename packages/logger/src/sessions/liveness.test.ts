import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { isAlive, processStart } from './liveness.js';

describe('isAlive', () => {
  it('knows a running process by its pid and time, and a gone one', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((resolve) => child.on('spawn', resolve));
    const owner = { pid: child.pid as number, host: hostname(), since: Date.now() };
    expect(isAlive(owner)).toBe(true);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(isAlive(owner)).toBe(false);
  });

  // Start times come from /proc: elsewhere the pid check stands alone.
  it.skipIf(!existsSync('/proc/self/stat'))(
    'takes a process that started after the owner was seen for a reused pid',
    () => {
      const started = processStart(process.pid) as number;
      expect(Math.abs(started - (Date.now() - process.uptime() * 1000))).toBeLessThan(2000);
      expect(isAlive({ pid: process.pid, host: hostname(), since: started - 60_000 })).toBe(false);
      expect(isAlive({ pid: process.pid, host: hostname(), since: started + 10 })).toBe(true);
    },
  );

  it('counts an owner on another host as alive, since it cannot be checked', () => {
    expect(isAlive({ pid: 999_999_999, host: `not-${hostname()}`, since: 0 })).toBe(true);
  });
});
