import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** Why a test that needs a real tmpfs was skipped. */
export const NO_MOUNT = 'needs root and a kernel that lets it mount tmpfs (run as root, as CI does)';

/** A tmpfs mounted for one test (unmounted after it). */
export interface Tmpfs {
  dir: string;
  /** Mounts it again with `options` (`ro`, `rw`). */
  remount(options: string): void;
}

const mounted: string[] = [];

/**
 * A real tmpfs of `size`, mounted for the calling test and unmounted after
 * it (a test file that mounts calls `useTmpfs()` once); `undefined` where
 * this process may not mount (not root, a container).
 */
export function mountTmpfs(size: string): Tmpfs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  mounted.push(dir);
  return { dir, remount: (options) => execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'ignore' }) };
}

/** Unmounts, after each test of the file, the tmpfs it mounted. */
export function useTmpfs(): void {
  afterEach(() => {
    for (const dir of mounted.splice(0)) {
      // Lazily: a file of the test may still be open.
      execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/**
 * Fills the file system of `dir` with `<dir>/filler` until fewer than `leave`
 * bytes (rounded to pages) are free; remove the file to give the space back.
 */
export function fillDisk(dir: string, leave: number): string {
  const filler = join(dir, 'filler');
  let size = 0;
  for (let step = 64 * 1024; step >= 1024; step >>= 1) {
    for (;;) {
      try {
        writeFileSync(filler, Buffer.alloc(size + step));
        size += step;
      } catch {
        writeFileSync(filler, Buffer.alloc(size));
        break;
      }
    }
  }
  writeFileSync(filler, Buffer.alloc(Math.max(0, size - leave)));
  return filler;
}
