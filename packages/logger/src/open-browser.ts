/**
 * Why the browser is not opened, or `undefined` when it may be: `CI` is set,
 * or a Linux machine has no display to show a window on.
 */
export function reasonNotToOpen(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return 'CI is set';
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no display';
  return undefined;
}

/**
 * Opens `url` in the default browser, best effort: any failure is one line on
 * stderr and never reaches the caller.
 */
export async function openBrowser(url: string): Promise<boolean> {
  try {
    const { default: open } = await import('open');
    const child = await open(url, { wait: false });
    child.on('error', (err) => process.stderr.write(`pulselog: could not open a browser: ${err.message}\n`));
    child.unref();
    return true;
  } catch (err) {
    process.stderr.write(`pulselog: could not open a browser: ${(err as Error).message}\n`);
    return false;
  }
}
