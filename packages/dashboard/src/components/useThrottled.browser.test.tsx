import { signal } from '@preact/signals';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { useThrottled } from './useThrottled.js';

const version = signal(0);
/** Every render of the panel, with the version it showed. */
let renders: number[] = [];

function Panel({ ms, cost }: { ms: number; cost: number }) {
  const shown = useThrottled(version.value, ms, cost) as number;
  renders.push(shown);
  return <span data-testid="shown">{shown}</span>;
}

const host = document.createElement('div');
document.body.append(host);
const shownText = () => host.querySelector('[data-testid="shown"]')?.textContent;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('useThrottled', () => {
  afterEach(() => {
    render(null, host);
    renders = [];
    version.value = 0;
  });

  it('shows the first change in the render it comes with, and later ones at most once per wait', async () => {
    render(<Panel ms={1000} cost={0} />, host);
    version.value = 1;
    await expect.poll(shownText).toBe('1');
    version.value = 2;
    await wait(20);
    version.value = 3;
    await wait(20);
    expect(shownText()).toBe('1');
    await expect.poll(shownText, { timeout: 3000 }).toBe('3');
    // Version 2 was never drawn: it was overtaken within the wait.
    expect(renders).not.toContain(2);
    await wait(1050);
    const before = renders.length;
    version.value = 4;
    await expect.poll(shownText).toBe('4');
    // The wait was over: taken in the very render the change caused, with no second one.
    await wait(50);
    expect(renders.length).toBe(before + 1);
  });

  it('waits longer as the panel costs more, so its passes take a twentieth of the time', async () => {
    render(<Panel ms={50} cost={40} />, host);
    version.value = 1;
    await expect.poll(shownText).toBe('1');
    version.value = 2;
    // 40 ms a pass: at most one every 800 ms.
    await wait(400);
    expect(shownText()).toBe('1');
    await expect.poll(shownText, { timeout: 1500 }).toBe('2');
  });
});
