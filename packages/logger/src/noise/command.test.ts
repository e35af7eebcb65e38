import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseNoiseArgs } from './command.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const run = promisify(execFile);

describe('pulselog noise', () => {
  it('writes exactly rate x duration events without bursts, to stdout', async () => {
    const { stdout } = await run(process.execPath, [
      CLI,
      'noise',
      '--rate',
      '400',
      '--duration',
      '1',
      '--burst-factor',
      '1',
      '--seed',
      '3',
    ]);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(400);
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('level');
  });

  it('appends to a file with --output, in the format asked', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'pulselog-noise-')), 'access.log');
    const args = [CLI, 'noise', '--rate', '100', '--duration', '0.5', '--format', 'apache', '-o', file];
    await run(process.execPath, [...args, '--burst-factor', '1']);
    await run(process.execPath, [...args, '--burst-factor', '1']);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(100);
    for (const line of lines) expect(line).toMatch(/^\S+ - - \[.+\] "[A-Z]+ /);
  });

  it('prints its help, and refuses a bad format with the help', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'noise', '--help']);
    expect(stdout).toContain('--rate N');
    await expect(run(process.execPath, [CLI, 'noise', '--format', 'xml'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--format must be one of json, logfmt, text, apache'),
    });
  });

  it('reads its options', () => {
    expect(parseNoiseArgs(['--rate', '5', '--format', 'logfmt', '--seed', '9'])).toMatchObject({
      rate: 5,
      duration: 10,
      format: 'logfmt',
      burstFactor: 5,
      seed: 9,
    });
    expect(() => parseNoiseArgs(['--rate', '0'])).toThrow('--rate must be a number');
  });
});
