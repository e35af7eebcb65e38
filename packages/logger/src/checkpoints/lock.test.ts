import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
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

  it('takes the lock with a ticket of its own, and removes the tickets of processes that are gone', async () => {
    const path = fresh();
    const child = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => child.on('exit', resolve));
    const goneTicket = `${path}.${child.pid}-dead.ticket`;
    writeFileSync(goneTicket, JSON.stringify({ pid: child.pid, host: hostname(), since: Date.now() - 1000 }));
    const lock = new FileLock(path);
    lock.acquire();
    const tickets = readdirSync(join(path, '..')).filter((name) => name.endsWith('.ticket'));
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatch(new RegExp(`^store\\.lock\\.${process.pid}-[0-9a-f]{8}\\.ticket$`));
    expect(readFileSync(path, 'utf8')).toBe(readFileSync(join(path, '..', tickets[0] as string), 'utf8'));
    lock.release();
    lock.dispose();
    expect(readdirSync(join(path, '..'))).toEqual([]);
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

  it("waits for another host's lock, which it cannot check, until it is a minute old", () => {
    const path = fresh();
    writeFileSync(path, JSON.stringify({ pid: 1, host: `not-${hostname()}`, since: Date.now() }));
    expect(() => new FileLock(path, 50).acquire()).toThrow(LockBusyError);
    // A minute on: its age is its change time, which no one can set back.
    vi.spyOn(Date, 'now').mockReturnValue(Date.now() + 61_000);
    try {
      new FileLock(path, 50).acquire();
    } finally {
      vi.restoreAllMocks();
    }
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('fails with the file system error where the lock cannot be made', () => {
    const lock = new FileLock(join(fresh(), 'missing', 'store.lock'), 50);
    expect(() => lock.acquire()).toThrow(/ENOENT/);
  });

  it("lets one process at a time in, among processes that all find a dead holder's lock at first", async () => {
    const path = fresh();
    const counter = `${path}.counter`;
    writeFileSync(counter, '0');
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(path, JSON.stringify({ pid: dead.pid, host: hostname(), since: Date.now() - 1000 }));
    const lock = new URL('../../dist/checkpoints/lock.js', import.meta.url).href;
    // Each adds 1 to the counter 200 times by reading and rewriting it: an update lost to a race shows in the sum.
    const program = `
      const { readFileSync, writeFileSync } = await import('node:fs');
      const { FileLock } = await import(${JSON.stringify(lock)});
      const lock = new FileLock(${JSON.stringify(path)});
      for (let i = 0; i < 200; i++) {
        lock.acquire();
        const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8'));
        writeFileSync(${JSON.stringify(counter)}, String(n + 1));
        lock.release();
      }`;
    const children = Array.from({ length: 4 }, () =>
      spawn(process.execPath, ['--input-type=module', '-e', program], { stdio: ['ignore', 'ignore', 'inherit'] }),
    );
    const codes = await Promise.all(children.map((child) => new Promise((resolve) => child.on('exit', resolve))));
    expect(codes).toEqual([0, 0, 0, 0]);
    expect(readFileSync(counter, 'utf8')).toBe('800');
    expect(existsSync(path)).toBe(false);
  });
});
