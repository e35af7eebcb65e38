import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The built dashboard as the installed package ships it. */
const ASSETS = join(
  dirname(createRequire(import.meta.url).resolve('@pulselog/logger/package.json')),
  'dist',
  'dashboard',
  'assets',
);

describe('the dashboard bundle', () => {
  it('stays under 80 kB gzipped, charts included', () => {
    const files = readdirSync(ASSETS).filter((f) => /\.(js|css)$/.test(f));
    expect(files.some((f) => f.endsWith('.js'))).toBe(true);
    const gzipped = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(ASSETS, f)), { level: 9 }).length, 0);
    // uPlot is in it: the charts are not drawn by hand.
    expect(files.some((f) => f.endsWith('.js') && readFileSync(join(ASSETS, f), 'utf8').includes('uplot'))).toBe(true);
    expect(gzipped).toBeLessThan(80 * 1024);
  });
});
