import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeSet } from './log-file.js';
import { CheckpointStore } from './store.js';
import { checkMeta } from './validate.js';

const quiet = { report: () => {} };
const fresh = () => join(mkdtempSync(join(tmpdir(), 'pulselog-ckpt-')), 'checkpoints');

describe('CheckpointStore', () => {
  it('saves, loads fresh copies, lists most recent first and deletes', () => {
    const store = new CheckpointStore(fresh());
    store.save('a', '{"n":1}', { status: 'DONE' });
    store.save('b', '{"n":2}', { progress: 40, note: 'half' });
    store.save('a', '{"n":3}', {});
    expect(store.names()).toEqual(['a', 'b']);
    const loaded = store.get('a');
    expect(loaded).toMatchObject({ name: 'a', data: { n: 3 } });
    (loaded?.data as { n: number }).n = 99;
    expect(store.get('a')?.data).toEqual({ n: 3 });
    expect(store.get('b')).toMatchObject({ progress: 40, note: 'half' });
    expect(store.delete('b')).toBe(true);
    expect(store.delete('b')).toBe(false);
    expect(store.names()).toEqual(['a']);
  });

  it('keeps checkpoints across restarts', () => {
    const dir = fresh();
    const first = new CheckpointStore(dir);
    first.save('epoch-1', '[1,2]', { status: 'DONE' });
    first.save('epoch-2', '[3]', { status: 'IN_PROGRESS', progress: 50 });
    first.delete('epoch-1');
    first.close();
    const second = new CheckpointStore(dir);
    expect(second.names()).toEqual(['epoch-2']);
    expect(second.get('epoch-2')).toMatchObject({ data: [3], status: 'IN_PROGRESS', progress: 50 });
  });

  it('skips a line cut short or damaged, keeping everything before it, and appends cleanly after it', () => {
    const dir = fresh();
    const store = new CheckpointStore(dir);
    store.save('x', '"good"', {});
    store.close();
    const file = join(dir, 'checkpoints.log');
    const damaged = encodeSet('y', 1, {}, '"tampered"').replace('tampered', 'tamperex');
    appendFileSync(file, damaged);
    appendFileSync(file, encodeSet('x', 2, {}, '"newer"').slice(0, 30));
    const reopened = new CheckpointStore(dir, quiet);
    expect(reopened.get('x')?.data).toBe('good');
    expect(reopened.get('y')).toBeUndefined();
    reopened.save('z', '1', {});
    reopened.close();
    expect(new CheckpointStore(dir).names()).toEqual(['z', 'x']);
  });

  it('appends one line per save and compacts instead of growing without bound', () => {
    const dir = fresh();
    const store = new CheckpointStore(dir);
    const file = join(dir, 'checkpoints.log');
    store.save('one-1', '1', {});
    const oneLine = statSync(file).size;
    store.save('one-2', '2', {});
    expect(statSync(file).size).toBe(oneLine * 2);
    for (let i = 0; i < 5000; i++) store.save(`step-${i % 10}`, `${i}`, {});
    expect(readFileSync(file, 'utf8').split('\n').length).toBeLessThan(1100);
    store.close();
    const reopened = new CheckpointStore(dir);
    expect(reopened.size).toBe(12);
    expect(reopened.get('step-9')?.data).toBe(4999);
  });

  it('loads thousands of checkpoints without a rewrite per save', () => {
    const dir = fresh();
    const store = new CheckpointStore(dir);
    for (let i = 0; i < 3000; i++) store.save(`ckpt-${i}`, `{"i":${i}}`, {});
    store.close();
    const reopened = new CheckpointStore(dir);
    expect(reopened.size).toBe(3000);
    expect(reopened.names()[0]).toBe('ckpt-2999');
  });

  it('leaves the previous state readable when a process is killed with SIGKILL in the middle of saves', async () => {
    const dir = fresh();
    // The built package, as a program would use it; big saves make it likely that the kill lands mid-write.
    const pkg = new URL('../../dist/index.js', import.meta.url).href;
    const program = `
      const { Logger } = await import(${JSON.stringify(pkg)});
      const log = new Logger('crash', { dashboard: false, sessionDir: false, sharedCheckpoints: true, checkpointPath: ${JSON.stringify(dir)} });
      const part = 'x'.repeat(16000);
      for (let i = 1; ; i++) {
        log.save('model', { i, parts: Array.from({ length: 100 }, () => part + i) }, { status: 'IN_PROGRESS' });
        process.stdout.write(i + '\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', program], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let saved = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const last = chunk.trim().split('\n').pop();
      saved = Math.max(saved, Number(last));
    });
    while (saved < 5) await new Promise((resolve) => setTimeout(resolve, 5));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const store = new CheckpointStore(dir);
    const data = store.get('model')?.data as { i: number; parts: string[] };
    expect(data.i).toBeGreaterThanOrEqual(saved);
    expect(data.parts).toEqual(Array.from({ length: 100 }, () => 'x'.repeat(16000) + data.i));
    expect(store.get('model')?.status).toBe('IN_PROGRESS');
  });
});

describe('checkMeta', () => {
  it('accepts the four statuses and progress from 0 to 100', () => {
    expect(checkMeta('c', { status: 'SKIPPED', progress: 0, note: 'n' })).toEqual({
      status: 'SKIPPED',
      progress: 0,
      note: 'n',
    });
    expect(checkMeta('c', undefined)).toEqual({});
  });

  it('refuses a bad status or progress with a PulselogError naming the checkpoint and the value', () => {
    expect(() => checkMeta('epoch-5', { status: 'done' })).toThrow(
      /checkpoint 'epoch-5': status must be one of DONE, IN_PROGRESS, FAILED, SKIPPED; got "done"/,
    );
    expect(() => checkMeta('epoch-5', { progress: 101 })).toThrow(/progress must be a number from 0 to 100; got 101/);
    expect(() => checkMeta('epoch-5', { progress: Number.NaN })).toThrow(/got NaN/);
    try {
      checkMeta('x', { status: 1 });
    } catch (err) {
      expect(err).toMatchObject({ name: 'PulselogError', code: 'PULSELOG_ERR_CHECKPOINT' });
    }
  });
});
