import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ownerState, processStart } from './liveness.js';

describe('ownerState', () => {
  it('knows a running process by its pid and time, and a gone one', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    await new Promise((resolve) => child.on('spawn', resolve));
    const owner = { pid: child.pid as number, host: hostname(), since: Date.now() };
    expect(ownerState(owner)).toBe('alive');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(ownerState(owner)).toBe('gone');
  });

  // Start times come from /proc: elsewhere the pid check stands alone.
  it.skipIf(!existsSync('/proc/self/stat'))(
    'takes a process that started after the owner was seen for a reused pid',
    () => {
      const started = processStart(process.pid) as number;
      expect(Math.abs(started - (Date.now() - process.uptime() * 1000))).toBeLessThan(2000);
      expect(ownerState({ pid: process.pid, host: hostname(), since: started - 60_000 })).toBe('gone');
      expect(ownerState({ pid: process.pid, host: hostname(), since: started + 10 })).toBe('alive');
    },
  );

  it('cannot tell about an owner on another host', () => {
    expect(ownerState({ pid: 999_999_999, host: `not-${hostname()}`, since: 0 })).toBe('unknown');
  });
});
