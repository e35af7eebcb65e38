import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLock, LockBusyError } from './lock.js';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'pulselog-lock-')), 'store.lock');

describe('FileLock', () => {
  it('holds a file naming this process while held, and removes it on release', () => {
    const path = fresh();
    const lock = new FileLock(path);
    lock.acquire();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname() });
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it('makes a second holder wait for a live one, then gives up with the holder named', () => {
    const path = fresh();
    const first = new FileLock(path);
    first.acquire();
    expect(() => new FileLock(path, 50).acquire()).toThrow(LockBusyError);
    expect(() => new FileLock(path, 50).acquire()).toThrow(`held by process ${process.pid}`);
    first.release();
    new FileLock(path, 50).acquire();
  });

  it('breaks the lock of a process that died holding it', async () => {
    const path = fresh();
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(path, JSON.stringify({ pid: child.pid, host: hostname(), since: Date.now() - 1000 }));
    const lock = new FileLock(path, 1000);
    lock.acquire();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(existsSync(`${path}.break`)).toBe(false);
  });

  it('fails with the file system error where the lock cannot be made', () => {
    const lock = new FileLock(join(fresh(), 'missing', 'store.lock'), 50);
    expect(() => lock.acquire()).toThrow(/ENOENT/);
  });
});
