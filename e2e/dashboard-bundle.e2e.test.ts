import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

/** The built dashboard as the installed package ships it. */
const DASHBOARD = join(
  dirname(createRequire(import.meta.url).resolve('@pulselog/logger/package.json')),
  'dist',
  'dashboard',
);
const ASSETS = join(DASHBOARD, 'assets');

const gzipped = (file: string) => gzipSync(readFileSync(join(ASSETS, file)), { level: 9 }).length;

/**
 * The files the page loads at start: what `index.html` names, and what those
 * scripts import statically (`import … from"./x.js"`), not the chunks they
 * import on first use of a feature (`import("./x.js")`).
 */
function loadedAtStart(): Set<string> {
  const html = readFileSync(join(DASHBOARD, 'index.html'), 'utf8');
  const start = new Set<string>();
  const queue = [...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+)"/g)].map((m) => m[1] as string);
  while (queue.length > 0) {
    const file = queue.pop() as string;
    if (start.has(file)) continue;
    start.add(file);
    if (!file.endsWith('.js')) continue;
    const code = readFileSync(join(ASSETS, file), 'utf8');
    for (const m of code.matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+\.js)["'`]/g)) queue.push(m[1] as string);
  }
  return start;
}

describe('the dashboard bundle', () => {
  it('loads under 80 kB gzipped at start, charts included; what loads on first use of a feature stays apart', () => {
    const files = readdirSync(ASSETS).filter((f) => /\.(js|css)$/.test(f));
    const start = loadedAtStart();
    expect([...start].some((f) => f.endsWith('.js'))).toBe(true);
    // uPlot is in it: the charts are not drawn by hand.
    expect([...start].some((f) => f.endsWith('.js') && readFileSync(join(ASSETS, f), 'utf8').includes('uplot'))).toBe(
      true,
    );
    const atStart = [...start].reduce((sum, f) => sum + gzipped(f), 0);
    expect(atStart).toBeLessThan(80 * 1024);
    // The Markdown parser is such a chunk: the page fetches it only to render a Markdown message.
    const later = files.filter((f) => !start.has(f));
    expect(later.some((f) => f.startsWith('markdown-parse'))).toBe(true);
    for (const f of later) expect(gzipped(f), f).toBeLessThan(40 * 1024);
  });
});
