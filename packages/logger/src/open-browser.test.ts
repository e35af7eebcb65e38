import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBrowser, reasonNotToOpen } from './open-browser.js';

describe('reasonNotToOpen', () => {
  it('never opens in CI or with BROWSER=none', () => {
    expect(reasonNotToOpen({ CI: 'true', DISPLAY: ':0' })).toBe('CI is set');
    expect(reasonNotToOpen({ BROWSER: 'none', DISPLAY: ':0' })).toBe('BROWSER is none');
    expect(reasonNotToOpen({ CI: '0', DISPLAY: ':0' })).toBeUndefined();
  });

  it.runIf(process.platform === 'linux')('needs a display on Linux unless BROWSER names a program', () => {
    expect(reasonNotToOpen({})).toBe('no display');
    expect(reasonNotToOpen({ WAYLAND_DISPLAY: 'wayland-0' })).toBeUndefined();
    expect(reasonNotToOpen({ BROWSER: '/usr/bin/firefox' })).toBeUndefined();
  });
});

describe('openBrowser', () => {
  it.runIf(process.platform !== 'win32')('runs the BROWSER program with the URL as one argument', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-browser-'));
    const log = join(dir, 'opened.txt');
    const program = join(dir, 'browser.sh');
    writeFileSync(program, `#!/bin/sh\nprintf '%s|%s' "$#" "$1" > '${log}'\n`);
    chmodSync(program, 0o755);
    const url = `http://127.0.0.1:5678/#token=abc; touch ${join(dir, 'pwned')}`;
    expect(await openBrowser(url, { BROWSER: program })).toBe(true);
    await expect.poll(() => existsSync(log) && readFileSync(log, 'utf8')).toBe(`1|${url}`);
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
  });

  it('says a BROWSER program that does not exist did not open, on one line of stderr', async () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      expect(await openBrowser('http://127.0.0.1:5678/', { BROWSER: '/nonexistent/browser' })).toBe(false);
    } finally {
      process.stderr.write = write;
    }
    expect(written).toEqual([expect.stringMatching(/^pulselog: could not open a browser: .*ENOENT/)]);
  });
});
