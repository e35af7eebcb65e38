import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runScript } from './support/script.js';

const SCRIPT = fileURLToPath(new URL('./scripts/pretty.mjs', import.meta.url));
const TIME = '\\d\\d:\\d\\d:\\d\\d\\.\\d{3}';
const ESC = '\u001b';

/**
 * Runs the script in a real pseudo-terminal (util-linux `script`), where its
 * stderr is a TTY as in a developer's shell; resolves with what the terminal showed.
 */
function runInTerminal(env: Record<string, string>): Promise<{ code: number | null; screen: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE: process.execPath, SCRIPT, ...env };
  for (const name of ['CI', 'FORCE_COLOR', 'NO_COLOR', 'PULSELOG_PRETTY']) {
    if (!(name in env)) delete childEnv[name];
  }
  const child = spawn('script', ['-qec', 'exec "$NODE" "$SCRIPT"', '/dev/null'], {
    cwd: mkdtempSync(join(tmpdir(), 'pulselog-e2e-')),
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    screen += chunk;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, screen })));
}

describe('pretty terminal output', () => {
  it('prints coloured, aligned lines with the error stack in a terminal, by default', async () => {
    const { code, screen } = await runInTerminal({});
    expect(code).toBe(0);
    const text = screen.replace(/\r\n/g, '\n');
    expect(text).toContain(`${ESC}[32mINFO ${ESC}[39m`);
    expect(text).toContain(`${ESC}[33mWARN ${ESC}[39m`);
    // Without colours, the same lines read as a person expects.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the colours are ESC sequences.
    const plain = text.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toMatch(new RegExp(`^${TIME} ──── load ────$`, 'm'));
    expect(plain).toMatch(new RegExp(`^${TIME} INFO  \\[etl\\] rows read  rows=1200 file=orders\\.csv$`, 'm'));
    expect(plain).toMatch(new RegExp(`^${TIME} WARN  \\[etl\\] slow query  duration_ms=812\\.5$`, 'm'));
    expect(plain).toMatch(new RegExp(`^${TIME} ERROR \\[etl\\] load failed  attempt=2$`, 'm'));
    expect(plain).toMatch(/^ {4}TypeError: upstream unavailable\n {8}at .*pretty\.mjs/m);
    expect(plain).toMatch(/^ {4}caused by: Error: connection refused \[ECONNREFUSED\]$/m);
  });

  it('drops the colours with NO_COLOR, and the lines with PULSELOG_PRETTY=0', async () => {
    const noColor = await runInTerminal({ NO_COLOR: '1' });
    expect(noColor.screen).toMatch(new RegExp(`${TIME} INFO  \\[etl\\] rows read`));
    expect(noColor.screen).not.toContain(ESC);
    const off = await runInTerminal({ PULSELOG_PRETTY: '0' });
    expect(off.code).toBe(0);
    expect(off.screen).not.toMatch(/rows read/);
  });

  it('stays quiet when stderr is not a terminal, unless PULSELOG_PRETTY=1', async () => {
    const piped = runScript('pretty.mjs');
    expect(await piped.exited).toEqual({ code: 0, signal: null });
    expect(piped.stderr()).not.toMatch(/rows read/);

    const forced = runScript('pretty.mjs', { PULSELOG_PRETTY: '1' });
    expect(await forced.exited).toEqual({ code: 0, signal: null });
    expect(forced.stderr()).toMatch(
      new RegExp(`^${TIME} INFO  \\[etl\\] rows read  rows=1200 file=orders\\.csv$`, 'm'),
    );
    expect(forced.stderr()).not.toContain(ESC);

    const coloured = runScript('pretty.mjs', { PULSELOG_PRETTY: '1', FORCE_COLOR: '1' });
    expect(await coloured.exited).toEqual({ code: 0, signal: null });
    expect(coloured.stderr()).toContain(`${ESC}[31mERROR${ESC}[39m`);
  });
});
