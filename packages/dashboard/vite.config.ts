import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

/** Largest JavaScript the page loads at start, gzipped, in bytes. */
export const JS_BUDGET_GZIP = 80 * 1024;
/** Largest chunk loaded later, when a feature is first used (the Markdown parser, say), gzipped. */
export const LAZY_CHUNK_BUDGET_GZIP = 40 * 1024;

/**
 * Fails the build when the JavaScript the page loads at start (the entry and
 * what it imports statically), gzipped, outgrows its budget, or when a chunk
 * loaded on first use of a feature outgrows its own.
 */
function budget(limit: number, lazyLimit: number): Plugin {
  return {
    name: 'pulselog-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((file) => (file.type === 'chunk' ? [[file.fileName, file] as const] : [])),
      );
      const atStart = new Set<string>();
      const visit = (name: string) => {
        const chunk = chunks.get(name);
        if (!chunk || atStart.has(name)) return;
        atStart.add(name);
        for (const imported of chunk.imports) visit(imported);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
      let total = 0;
      for (const [name, chunk] of chunks) {
        const size = gzipSync(chunk.code).length;
        if (atStart.has(name)) total += size;
        else if (size > lazyLimit) {
          this.error(`dashboard chunk ${name}: ${(size / 1024).toFixed(1)} kB gzipped (budget ${lazyLimit / 1024} kB)`);
        }
      }
      const summary = `dashboard JavaScript at start: ${(total / 1024).toFixed(1)} kB gzipped (budget ${limit / 1024} kB)`;
      if (total > limit) this.error(`${summary}: over budget`);
      this.info(summary);
    },
  };
}

/**
 * The dashboard builds straight into the logger package's `dist/dashboard`, so
 * installing `@pulselog/logger` alone brings the app with it.
 */
export default defineConfig({
  plugins: [preact(), budget(JS_BUDGET_GZIP, LAZY_CHUNK_BUDGET_GZIP)],
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../logger/dist/dashboard', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The server's Content-Security-Policy forbids inline script, so nothing may be inlined as one.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
