import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { type RunningScript, runScript } from './support/script.js';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

describe('the page shows health and the profile on the timeline', () => {
  let script: RunningScript;
  let browser: TestBrowser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    script = runScript('insight-busy.mjs', { PULSELOG_PROFILE: '1' }, ['120']);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.setViewportSize({ width: 1400, height: 860 });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(await script.dashboardUrl());
  });

  afterAll(async () => {
    await browser?.close();
    await script?.kill();
  });

  it('draws a health strip over the timeline, with the whole sample under the pointer', async () => {
    const strip = page.getByTestId('health-strip');
    await strip.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('health-legend').textContent()).toMatch(/CPU \d+%heap [\d.]+ [kM]B/);
    // Several seconds of samples, so the strip has a shape.
    await page.waitForTimeout(7000);
    const box = await strip.boundingBox();
    const timeline = await page.getByTestId('timeline').boundingBox();
    // The strip lines up with the records' bars: the same left edge and width.
    expect(box?.x).toBeCloseTo(timeline?.x ?? 0, 0);
    expect(box?.width).toBeCloseTo(timeline?.width ?? 0, 0);
    await page.mouse.move((box?.x ?? 0) + (box?.width ?? 0) * 0.6, (box?.y ?? 0) + 20);
    await expect
      .poll(() => page.getByTestId('health-tip').textContent())
      .toMatch(/CPU [\d.]+% user.*heap .* RSS .*event loop p50 .* p99 .* max .*GC .* handles/);
    // Rounds 30 and 80 paused 600 ms against 10 ms: both are marked on the timeline (a loaded
    // machine may stretch other pauses far enough to be marked too).
    const slowMarks = async () => {
      const titles = await page
        .getByTestId('timeline-anomaly')
        .evaluateAll((marks) => marks.map((m) => m.getAttribute('title') ?? ''));
      return titles.filter((t) => Number(/^pause: (\d+) ms, \d+x the median of \d+ calls$/.exec(t)?.[1]) >= 550).length;
    };
    await expect.poll(slowMarks, { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: `${ARTIFACTS}insight-health.png` });
  }, 60_000);

  it('shows a flame graph of the range picked on the timeline, naming the busy function on hover', async () => {
    const flame = page.getByTestId('flame-graph');
    await flame.waitFor({ timeout: 30_000 });
    const canvas = page.getByTestId('timeline').locator('canvas');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('no timeline');
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => flame.textContent()).toMatch(/of the selected range.*\d+ ms sampled/);
    // The busy function is on most sampled stacks, but where its frame lies depends on how long the
    // thread waited (a loaded machine stretches the sleeps into a wide `(idle)` frame): look for it
    // across the graph, row by row, as a user's pointer would.
    const graph = await flame.locator('canvas').boundingBox();
    if (!graph) throw new Error('no flame graph');
    const tipText = page.getByTestId('flame-tip');
    const seen = new Set<string>();
    // The widest frame of the busy loop (it is called from more than one stack), for the check and the picture.
    const pointAtBusiest = async (): Promise<string> => {
      let widest: { x: number; y: number; total: number } | undefined;
      for (let row = 1; row < 12; row++) {
        for (let x = 0.05; x < 1; x += 0.1) {
          const at = { x: graph.x + graph.width * x, y: graph.y + row * 16 + 8 };
          await page.mouse.move(at.x, at.y);
          await page.waitForTimeout(30);
          const text = (await tipText.allTextContents())[0] ?? '';
          seen.add(text.replace(/self .*/, ''));
          const share = /^(crunchNumbers|\(anonymous\))self .*total [\d.]+ ms \((\d+)%\).*insight-busy\.mjs:\d+$/.exec(
            text,
          );
          // The loop itself first; the module body around it only when V8 gave it the loop's samples.
          const total = share ? Number(share[2]) + (share[1] === 'crunchNumbers' ? 1000 : 0) : -1;
          if (total > (widest?.total ?? -1)) widest = { ...at, total };
        }
      }
      if (widest) await page.mouse.move(widest.x, widest.y);
      await page.waitForTimeout(100);
      return (await tipText.allTextContents())[0] ?? '';
    };
    // A profile chunk arriving during the search can redraw the graph under the pointer: one more look then.
    let tip = await pointAtBusiest();
    if (!/insight-busy\.mjs:\d+$/.test(tip)) tip = await pointAtBusiest();
    if (!/insight-busy\.mjs:\d+$/.test(tip)) await page.screenshot({ path: `${ARTIFACTS}flame-not-found.png` });
    // The busy loop, or the script's module body when V8 gave it the loop's samples (README, "Health and the profiler").
    expect(tip, [...seen].join(' | ')).toMatch(
      /^(crunchNumbersself [\d.]+ ms, total [\d.]+ ms \(\d+%\).*insight-busy\.mjs:11|\(anonymous\)self .*insight-busy\.mjs:0)$/,
    );
    await page.screenshot({ path: `${ARTIFACTS}insight-flame.png` });
    expect(errors).toEqual([]);
  }, 60_000);
});
