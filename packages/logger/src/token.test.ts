import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newToken, projectToken } from './token.js';

const project = () => mkdtempSync(join(tmpdir(), 'pulselog-token-'));

describe('projectToken', () => {
  it('makes a token of at least 128 bits once and returns it on every later run', () => {
    const dir = project();
    const token = projectToken(dir);
    expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(projectToken(dir)).toBe(token);
    expect(readFileSync(join(dir, '.pulselog', 'token'), 'utf8').trim()).toBe(token);
  });

  it.runIf(process.platform !== 'win32')('keeps the token readable by its owner only', () => {
    const dir = project();
    projectToken(dir);
    expect(statSync(join(dir, '.pulselog', 'token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, '.pulselog')).mode & 0o077).toBe(0);
  });

  it('replaces a token file that does not hold a valid token', () => {
    const dir = project();
    projectToken(dir);
    writeFileSync(join(dir, '.pulselog', 'token'), 'short\n');
    const token = projectToken(dir);
    expect(token).toMatch(/^[\w-]{22,}$/);
    expect(statSync(join(dir, '.pulselog', 'token')).mode & 0o777).toBe(0o600);
  });

  it('gives different projects different tokens', () => {
    expect(projectToken(project())).not.toBe(projectToken(project()));
    expect(newToken()).not.toBe(newToken());
  });
});
