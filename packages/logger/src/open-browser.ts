import { type ChildProcess, spawn } from 'node:child_process';

/**
 * Why the browser is not opened, or `undefined` when it may be: `BROWSER` is
 * `none`, `CI` is set, or a Linux machine has no display to show a window on
 * (unless `BROWSER` names a program, which then decides for itself).
 */
export function reasonNotToOpen(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const browser = env.BROWSER?.trim();
  if (browser === 'none') return 'BROWSER is none';
  if (env.CI && env.CI !== 'false' && env.CI !== '0') return 'CI is set';
  if (browser) return undefined;
  if (process.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return 'no display';
  return undefined;
}

/**
 * Opens `url` in the program named by `BROWSER` (the convention of Vite and
 * xdg-open), else in the default browser. Resolves with whether the program
 * started (a missing one is `false`: nobody will come for the records, so
 * the logger does not linger). Best effort: any failure is one line on
 * stderr and never reaches the caller.
 */
export async function openBrowser(url: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const report = (err: Error) => process.stderr.write(`pulselog: could not open a browser: ${err.message}\n`);
  try {
    const browser = env.BROWSER?.trim();
    let child: ChildProcess;
    if (browser) {
      // No shell: the URL is passed as one argument and cannot be read as a command.
      child = spawn(browser, [url], { stdio: 'ignore', detached: true });
    } else {
      const { default: open } = await import('open');
      child = await open(url, { wait: false });
    }
    child.unref();
    return await new Promise<boolean>((resolve) => {
      child.once('spawn', () => resolve(true));
      child.once('error', (err) => {
        report(err);
        resolve(false);
      });
    });
  } catch (err) {
    report(err as Error);
    return false;
  }
}
