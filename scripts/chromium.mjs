// Finds the Chromium that browser tests drive. No test tool may download a
// browser of its own, so this looks for an installed one and, as root with
// apt-get, installs Debian's package; otherwise it says how to get one.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Flags every test launch uses: no sandbox (root in CI), no GPU, no calls home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

function find() {
  const fromEnv = process.env.PULSELOG_CHROMIUM;
  if (fromEnv) {
    if (!executable(fromEnv)) throw new Error(`PULSELOG_CHROMIUM=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  return CANDIDATES.find(executable) ?? ['chromium', 'chromium-browser', 'google-chrome'].map(onPath).find(Boolean);
}

/** Path of a Chromium to drive, installing Debian's package when possible. */
export function findChromium() {
  const found = find();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && onPath('apt-get')) {
    process.stderr.write("pulselog tests: no Chromium found; installing Debian's chromium package…\n");
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = find();
    if (installed) return installed;
  }
  throw new Error(
    'pulselog tests need Chromium and found none. Install it (Debian/Ubuntu: `sudo apt-get install -y chromium`, ' +
      'macOS: `brew install --cask chromium`) or set PULSELOG_CHROMIUM to a Chromium or Chrome executable.',
  );
}

/**
 * Launches headless Chromium the way every test and benchmark does: a fresh
 * profile (removed again by `close`), the flags above plus `extraArgs`, and a
 * 1280×800 viewport. Returns the persistent context, the profile's directory and `close`.
 */
export async function launchChromium(profilePrefix, extraArgs = []) {
  // Loaded here, not at the top: vitest.config.ts imports this file and needs no browser driver.
  const [{ chromium }, { mkdtempSync, rmSync }, { tmpdir }, { join }] = await Promise.all([
    import('playwright-core'),
    import('node:fs'),
    import('node:os'),
    import('node:path'),
  ]);
  const profile = mkdtempSync(join(tmpdir(), profilePrefix));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    profile,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
