import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const LOGGER = fileURLToPath(new URL('../packages/logger/', import.meta.url));

describe('the packed @pulselog/logger', () => {
  it('carries its README, the built code and the dashboard', () => {
    const out = mkdtempSync(join(tmpdir(), 'pulselog-pack-'));
    execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: LOGGER, stdio: 'ignore' });
    const [tarball] = readdirSync(out).filter((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const files = execFileSync('tar', ['-tzf', join(out, tarball as string)], { encoding: 'utf8' }).split('\n');
    expect(files).toEqual(
      expect.arrayContaining([
        'package/README.md',
        'package/package.json',
        'package/dist/index.js',
        'package/dist/cli.js',
        'package/dist/outputs/pretty.js',
        'package/dist/dashboard/index.html',
      ]),
    );
    const readme = execFileSync('tar', ['-xzOf', join(out, tarball as string), 'package/README.md'], {
      encoding: 'utf8',
    });
    // What npm shows on the package's page: what it is, how to install it, and the first lines to write.
    expect(readme).toMatch(/^# @pulselog\/logger\n/);
    expect(readme).toContain('npm install @pulselog/logger');
    expect(readme).toContain("import { Logger } from '@pulselog/logger';");
  });
});
