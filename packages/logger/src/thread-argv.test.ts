import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { threadExecArgv } from './thread-argv.js';

describe('threadExecArgv', () => {
  it('leave the options to Node but when --input-type is among them, in either spelling', () => {
    expect(threadExecArgv(['--input-type=module', '-e', 'x', '--max-old-space-size=512'])).toEqual([]);
    expect(threadExecArgv(['--input-type', 'module', '--enable-source-maps'])).toEqual([]);
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

  it('lets a worker start in a program run with --input-type=module -e, with V8 options or without', () => {
    for (const v8 of [[], ['--max-old-space-size=200', '--expose-gc', '--stack-size=2000']]) {
      const argv = ['--input-type=module', ...v8];
      const program = `
        import { Worker } from 'node:worker_threads';
        const worker = new Worker('process.exit(7)', { eval: true, execArgv: ${JSON.stringify(threadExecArgv(argv))} });
        worker.on('exit', (code) => console.log(code));
        worker.on('error', (err) => console.log(err.code));`;
      expect(execFileSync(process.execPath, [...argv, '-e', program], { encoding: 'utf8' }).trim()).toBe('7');
    }
  });
});
