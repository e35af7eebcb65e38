import type { BrowserContext } from 'playwright-core';
// @ts-expect-error plain JavaScript shared with vitest.config.ts and the benchmarks
import { launchChromium } from '../../scripts/chromium.mjs';

/** A headless Chromium with a fresh profile, removed again by `close`. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Chromium the way every e2e test does: a fresh profile, no sandbox,
 * no network calls home. `extraArgs` adds flags, e.g. host resolver rules.
 */
export function launchBrowser(extraArgs: string[] = []): Promise<TestBrowser> {
  return launchChromium('pulselog-e2e-chromium-', extraArgs);
}
