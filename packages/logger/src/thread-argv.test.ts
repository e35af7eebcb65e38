import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { threadExecArgv } from './thread-argv.js';

describe('threadExecArgv', () => {
  it("keeps the program's options but --input-type, in both spellings", () => {
    expect(threadExecArgv(['--input-type=module', '-e', 'x', '--max-old-space-size=512'])).toEqual([
      '-e',
      'x',
      '--max-old-space-size=512',
    ]);
    expect(threadExecArgv(['--input-type', 'module', '--enable-source-maps'])).toEqual(['--enable-source-maps']);
    expect(threadExecArgv([])).toEqual([]);
  });

  it('lets a worker start in a program run with --input-type=module -e', () => {
    const program = `
      import { Worker } from 'node:worker_threads';
      const worker = new Worker('process.exit(7)', { eval: true, execArgv: ${JSON.stringify(threadExecArgv(['--input-type=module']))} });
      worker.on('exit', (code) => console.log(code));`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8' }).trim()).toBe(
      '7',
    );
  });
});
