import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

/**
 * The dashboard builds straight into the logger package's `dist/dashboard`, so
 * installing `@pulselog/logger` alone brings the app with it.
 */
export default defineConfig({
  plugins: [preact()],
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
