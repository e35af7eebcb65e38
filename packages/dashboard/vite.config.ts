import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';

/** Largest JavaScript the page may load, gzipped, in bytes. */
export const JS_BUDGET_GZIP = 80 * 1024;

/** Fails the build when the JavaScript, gzipped, outgrows its budget. */
function budget(limit: number): Plugin {
  return {
    name: 'pulselog-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      let total = 0;
      for (const file of Object.values(bundle)) {
        if (file.type === 'chunk') total += gzipSync(file.code).length;
      }
      const summary = `dashboard JavaScript: ${(total / 1024).toFixed(1)} kB gzipped (budget ${limit / 1024} kB)`;
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
  plugins: [preact(), budget(JS_BUDGET_GZIP)],
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
