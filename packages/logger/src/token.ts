import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22,}$/;

/** A fresh random token: 192 bits, URL-safe. */
export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * The project's dashboard token: read from `<projectDir>/.pulselog/token`, or
 * made and written there with owner-only permissions. Stable across runs so a
 * tab left open from an earlier run can reconnect. Falls back to a token for
 * this run alone when the folder is not writable.
 */
export function projectToken(projectDir: string): string {
  const dir = join(projectDir, '.pulselog');
  const file = join(dir, 'token');
  try {
    const existing = readFileSync(file, 'utf8').trim();
    if (TOKEN_PATTERN.test(existing)) return existing;
  } catch {
    // No token yet: make one below.
  }
  const token = newToken();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${token}\n`, { mode: 0o600 });
    // The mode above is filtered by umask and ignored for an existing file.
    chmodSync(file, 0o600);
  } catch {
    // A read-only project still gets a working dashboard for this run.
  }
  return token;
}
