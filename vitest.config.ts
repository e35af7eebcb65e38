import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import preact from '@preact/preset-vite';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
// @ts-expect-error plain JavaScript shared with the e2e fixtures
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';

/**
 * Three levels of tests, one run: unit tests in Node beside the code,
 * component tests in Chromium, and end-to-end tests that start the built
 * package as a user would. `pnpm test` builds first.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['packages/*/src/**/*.test.ts'],
          exclude: ['**/*.browser.test.*', '**/node_modules/**', '**/dist/**'],
          testTimeout: 60_000,
        },
      },
      {
        plugins: [preact()],
        // Known up front, so the first run never reloads mid-test with a second copy of preact.
        optimizeDeps: {
          include: [
            'preact',
            'preact/hooks',
            'preact/jsx-runtime',
            'mdast-util-from-markdown',
            'mdast-util-gfm',
            'micromark-extension-gfm',
          ],
        },
        test: {
          name: 'browser',
          include: ['packages/dashboard/src/**/*.browser.test.{ts,tsx}'],
          fileParallelism: false,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
              // A fresh profile each run: no state leaks between runs.
              persistentContext: mkdtempSync(join(tmpdir(), 'pulselog-vitest-chromium-')),
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
