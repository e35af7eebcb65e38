import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type TestBrowser } from './browser.js';

/** The built `pulselog` command, as the package's `bin` names it. */
export const CLI = join(
  dirname(createRequire(import.meta.url).resolve('@pulselog/logger/package.json')),
  'dist/cli.js',
);

/** A shell command line running in its own process group, `pulselog` in it. */
export interface RunningCli {
  child: ChildProcess;
  cwd: string;
  stderr(): string;
  stdout(): string;
  /** The dashboard URL `pulselog` printed. */
  dashboardUrl(timeoutMs?: number): Promise<string>;
  /** Resolves once `text` is on stderr. */
  saidOnStderr(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` to every process of the command line. */
  signal(signal: NodeJS.Signals): void;
  kill(): Promise<void>;
}

/**
 * Runs `line` with `sh -c` in a fresh project folder (or `cwd`), `$PULSELOG`
 * being the built command (`node …/dist/cli.js`), in a process group of its
 * own so that a signal reaches every process of a pipe, as Ctrl-C does.
 */
export function runCli(line: string, env: Record<string, string> = {}, cwd?: string): RunningCli {
  const dir = cwd ?? mkdtempSync(join(tmpdir(), 'pulselog-e2e-cli-'));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    PULSELOG_OPEN: '0',
    PULSELOG_PORT: '0',
    ...env,
  };
  delete childEnv.CI;
  const child = spawn('/bin/sh', ['-c', line.replaceAll('$PULSELOG', `"${process.execPath}" "${CLI}"`)], {
    cwd: dir,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (test: () => string | undefined, what: string, timeoutMs: number) =>
    new Promise<string>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const check = () => {
        const found = test();
        if (found !== undefined) return resolve(found);
        if (child.exitCode !== null || Date.now() > deadline) {
          return reject(new Error(`${what} never came from: ${line}\nstderr:\n${stderr}`));
        }
        setTimeout(check, 20);
      };
      check();
    });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    cwd: dir,
    stderr: () => stderr,
    stdout: () => stdout,
    exited,
    dashboardUrl: (timeoutMs = 20_000) =>
      waitFor(() => /pulselog: dashboard at (\S+)/.exec(stderr)?.[1], 'a dashboard URL', timeoutMs),
    saidOnStderr: async (text, timeoutMs = 30_000) => {
      await waitFor(
        () => ((typeof text === 'string' ? stderr.includes(text) : text.test(stderr)) ? 'yes' : undefined),
        `${text}`,
        timeoutMs,
      );
    },
    signal(signal) {
      if (running() && child.pid !== undefined) process.kill(-child.pid, signal);
    },
    async kill() {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await exited;
    },
  };
}

/**
 * For a file of tests that start `pulselog` command lines and look at them
 * in Chromium: one browser for the file, and every command line started
 * through `start` ended after the last test.
 */
export function cliTests(): { browser(): TestBrowser; start(...args: Parameters<typeof runCli>): RunningCli } {
  let browser: TestBrowser | undefined;
  const running: RunningCli[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(running.map((cli) => cli.kill()));
  });
  return {
    browser: () => browser as TestBrowser,
    start(...args) {
      const cli = runCli(...args);
      running.push(cli);
      return cli;
    },
  };
}
