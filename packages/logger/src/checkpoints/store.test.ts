import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
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

/** A line as earlier versions wrote a save: data as a string of JSON, metadata after it. */
function legacyLine(value: Record<string, unknown>): string {
  const json = JSON.stringify(value);
  return `${(crc32(json) >>> 0).toString(16).padStart(8, '0')} ${json}\n`;
}

describe('CheckpointStore with other processes and damage', () => {
  it('never writes when it only reads, even past a torn tail', () => {
    const dir = fresh();
    const writer = new CheckpointStore(dir, quiet);
    writer.save('a', '1', {});
    writer.close();
    const file = join(dir, 'checkpoints.log');
    appendFileSync(file, encodeSet('b', 2, {}, '2').slice(0, 20));
    const before = readFileSync(file);
    const reader = new CheckpointStore(dir, quiet);
    expect(reader.names()).toEqual(['a']);
    expect(reader.get('a')?.data).toBe(1);
    reader.close();
    expect(readFileSync(file)).toEqual(before);
    expect(readdirSync(dir)).toEqual(['checkpoints.log']);
  });

  it('sees what another store appended or compacted since it last looked', () => {
    const dir = fresh();
    const one = new CheckpointStore(dir, quiet);
    const two = new CheckpointStore(dir, quiet);
    one.save('from-one', '1', {});
    expect(two.get('from-one')?.data).toBe(1);
    for (let i = 0; i < 3000; i++) two.save(`k${i % 5}`, `${i}`, { progress: 50 });
    expect(one.names()).toEqual(['k4', 'k3', 'k2', 'k1', 'k0', 'from-one']);
    expect(one.get('k4')).toMatchObject({ data: 2999, progress: 50 });
    one.save('after', '"x"', {});
    expect(new CheckpointStore(dir, quiet).names()).toEqual(['after', 'k4', 'k3', 'k2', 'k1', 'k0', 'from-one']);
  });

  it('reads the stores of earlier versions and rewrites them in the current form when compacting', () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'checkpoints.log');
    writeFileSync(
      file,
      legacyLine({ op: 'upsert', name: 'old', ts: 5, data: '{"w":[1,2]}', status: 'DONE', progress: 100 }) +
        legacyLine({ op: 'upsert', name: 'gone', ts: 6, data: '1' }) +
        legacyLine({ op: 'delete', name: 'gone' }),
    );
    const store = new CheckpointStore(dir, quiet);
    expect(store.names()).toEqual(['old']);
    expect(store.get('old')).toEqual({ name: 'old', ts: 5, data: { w: [1, 2] }, status: 'DONE', progress: 100 });
    for (let i = 0; i < 1100; i++) store.save('new', `${i}`, {});
    expect(readFileSync(file, 'utf8').split('\n')[0]).toMatch(
      /^[0-9a-f]{8} \{"op":"set","name":"old","ts":5,"status":"DONE","progress":100,"data":\{"w":\[1,2\]\}\}$/,
    );
    expect(new CheckpointStore(dir, quiet).get('old')?.data).toEqual({ w: [1, 2] });
  });

  it('skips, counts and reports damaged lines, whether the checksum or the JSON behind it is bad', () => {
    const dir = fresh();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'checkpoints.log');
    const broken = '{"op":"set","name":"meta","ts":1,"status":';
    writeFileSync(
      file,
      encodeSet('first', 1, {}, '1') +
        // A bad checksum in the middle of the file.
        encodeSet('flipped', 2, {}, '"abc"').replace('abc', 'abd') +
        // A valid checksum over JSON that does not parse, in the metadata and in the data.
        `${(crc32(broken) >>> 0).toString(16).padStart(8, '0')} ${broken}\n` +
        encodeSet('data', 3, {}, '{"a":') +
        legacyLine({ op: 'upsert', name: 'legacy', ts: 4, data: '[1,' }) +
        encodeSet('last', 5, {}, '5'),
    );
    const reports: string[] = [];
    const store = new CheckpointStore(dir, { report: (line) => reports.push(line) });
    expect(store.damaged).toBe(2);
    expect(reports).toEqual([`pulselog: skipped 2 damaged line(s) in ${file}`]);
    expect(store.get('data')).toBeUndefined();
    expect(store.all().map((c) => c.name)).toEqual(['first', 'last']);
    expect(store.damaged).toBe(4);
    expect(reports.slice(1)).toEqual([
      `pulselog: skipped damaged checkpoint 'data' in ${file}`,
      `pulselog: skipped damaged checkpoint 'legacy' in ${file}`,
    ]);
    expect(store.get('last')?.data).toBe(5);
  });
});

describe('CheckpointStore after close', () => {
  it('opens the file again for a save or a read after close()', () => {
    const dir = fresh();
    const store = new CheckpointStore(dir, quiet);
    store.save('a', '1', {});
    store.close();
    store.save('b', '2', {});
    expect(store.errors).toBe(0);
    store.close();
    expect(store.get('a')?.data).toBe(1);
    expect(new CheckpointStore(dir, quiet).names()).toEqual(['b', 'a']);
  });
});
