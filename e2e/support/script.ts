import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A user script running in its own process, as `node script.mjs` would run it. */
export interface RunningScript {
  child: ChildProcess;
  /** The project folder the script runs in (its `.pulselog/` lives here). */
  cwd: string;
  /** Everything the script has written to stderr so far. */
  stderr(): string;
  /** Resolves with the dashboard URL the logger printed. */
  dashboardUrl(timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ends the process if it still runs. */
  kill(): Promise<void>;
}

const SCRIPTS = fileURLToPath(new URL('../scripts/', import.meta.url));

/**
 * Runs `e2e/scripts/<name>` with Node. The scripts import `@pulselog/logger`
 * by its package name, so they get the built package through its `exports`.
 * The working directory is a fresh temporary folder unless `options.cwd` names one;
 * `options.maxOpenFiles` lowers the script's limit on open files.
 */
export function runScript(
  name: string,
  env: Record<string, string> = {},
  args: string[] = [],
  options: { cwd?: string; maxOpenFiles?: number } = {},
): RunningScript {
  // A given cwd is a project an earlier run used too (same `.pulselog/token`).
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'pulselog-e2e-'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PULSELOG_OPEN: '0', PULSELOG_PORT: '0', ...env };
  // Tests run under CI=true; the scripts behave as on a developer's machine unless a test says otherwise.
  delete childEnv.CI;
  // A lower limit on open files gives the script the budget of a tighter machine; the hard limit too,
  // as Node raises its soft limit to the hard one at start.
  const [command, argv] =
    options.maxOpenFiles === undefined
      ? [process.execPath, [join(SCRIPTS, name), ...args]]
      : [
          '/bin/sh',
          ['-c', `ulimit -n ${options.maxOpenFiles} && exec "$0" "$@"`, process.execPath, join(SCRIPTS, name), ...args],
        ];
  const child = spawn(command, argv, {
    cwd,
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    cwd,
    stderr: () => stderr,
    exited,
    dashboardUrl(timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = () => {
          const match = /pulselog: dashboard at (\S+)/.exec(stderr);
          if (match?.[1]) return resolve(match[1]);
          if (child.exitCode !== null || Date.now() > deadline) {
            return reject(new Error(`no dashboard URL from ${name}; stderr:\n${stderr}`));
          }
          setTimeout(check, 20);
        };
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
