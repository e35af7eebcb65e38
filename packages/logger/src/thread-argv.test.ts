import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(threadExecArgv(['--max-old-space-size=512', '--expose-gc'])).toBeUndefined();
    expect(threadExecArgv([])).toBeUndefined();
  });

  it("lets a worker start in a program run with V8's options, which Node refuses in a worker's own list", () => {
    const dir = mkdtempSync(join(tmpdir(), 'pulselog-argv-'));
    try {
      const thread = join(dir, 'thread.mjs');
      writeFileSync(thread, 'process.exit(7);\n');
      const main = join(dir, 'main.mjs');
      const execArgv = threadExecArgv(['--max-old-space-size=200', '--expose-gc', '--single-threaded']);
      writeFileSync(
        main,
        `import { Worker } from 'node:worker_threads';
        const worker = new Worker(${JSON.stringify(thread)}, { execArgv: ${JSON.stringify(execArgv)} });
        worker.on('exit', (code) => console.log(code));
        worker.on('error', (err) => console.log(err.code));\n`,
      );
      const out = execFileSync(
        process.execPath,
        ['--max-old-space-size=200', '--expose-gc', '--single-threaded', main],
        { encoding: 'utf8' },
      );
      expect(out.trim()).toBe('7');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
