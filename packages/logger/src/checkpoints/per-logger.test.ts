import { appendFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkpointFolder } from '../config.js';
import { MemoryPipeline, testSetup } from '../core/test-support.js';
import { Logger } from '../logger.js';
import { encodeSet } from './log-file.js';

const loggers: Logger[] = [];
afterEach(async () => {
  await Promise.all(loggers.splice(0).map((log) => log.shutdown()));
  vi.restoreAllMocks();
});

/** A logger writing only to memory, its checkpoints under `root`. */
function make(name: string, root: string, more = {}): Logger {
  const log = new Logger(name, { ...testSetup(new MemoryPipeline()), checkpointPath: root, ...more });
  loggers.push(log);
  return log;
}

const freshRoot = () => join(mkdtempSync(join(tmpdir(), 'pulselog-root-')), 'checkpoints');

/** Captures what the logger writes to stderr while `fn` runs. */
function stderrOf(fn: () => void): string {
  let text = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    text += String(chunk);
    return true;
  });
  fn();
  vi.restoreAllMocks();
  return text;
}

describe('checkpoints per logger name', () => {
  it("keeps each logger name's checkpoints apart: an ETL job does not see a training job's", () => {
    const root = freshRoot();
    const train = make('train', root);
    for (let epoch = 1; epoch <= 11; epoch++)
      train.save(`epoch-${epoch}`, { epoch }, { status: 'DONE', progress: 100 });
    const etl = make('etl', root);
    expect(etl.checkpoints()).toEqual([]);
    expect(etl.load('epoch-3')).toBeUndefined();
    etl.save('batch-1', { rows: 5 });
    expect(train.checkpoints()).toHaveLength(11);
    expect(make('train', root).load('epoch-3')).toEqual({ epoch: 3 });
    expect(existsSync(join(root, 'train', 'checkpoints.log'))).toBe(true);
    expect(existsSync(join(root, 'etl', 'checkpoints.log'))).toBe(true);
    expect(existsSync(join(root, 'checkpoints.log'))).toBe(false);
  });

  it('shares one store among every logger when sharedCheckpoints is set, where earlier versions kept it', () => {
    const root = freshRoot();
    mkdirSync(root, { recursive: true });
    // A store as earlier versions left it.
    const json = JSON.stringify({ op: 'upsert', name: 'from-before', ts: 1, data: '{"w":1}', status: 'DONE' });
    writeFileSync(join(root, 'checkpoints.log'), `${(crc32(json) >>> 0).toString(16).padStart(8, '0')} ${json}\n`);
    const a = make('a', root, { sharedCheckpoints: true });
    expect(a.load('from-before')).toEqual({ w: 1 });
    a.save('from-a', 1);
    expect(make('b', root, { sharedCheckpoints: true }).checkpoints()).toEqual(['from-a', 'from-before']);
    let unshared: Logger | undefined;
    const stderr = stderrOf(() => {
      unshared = make('b', root);
    });
    expect(unshared?.checkpoints()).toEqual([]);
    expect(stderr).toBe(
      `pulselog: checkpoints are kept per logger name now, and logger 'b' has none in ${join(root, 'b', 'checkpoints.log')}; ` +
        `${join(root, 'checkpoints.log')} (every logger's, as earlier versions kept them) is read with sharedCheckpoints ` +
        `(PULSELOG_SHARED_CHECKPOINTS=1), or move it to ${join(root, 'b', 'checkpoints.log')}\n`,
    );
    unshared?.save('own', 1);
    expect(stderrOf(() => make('b', root))).toBe('');
  });

  it('gives every name a folder of its own inside the checkpoint folder', () => {
    expect(checkpointFolder('train')).toBe('train');
    const odd = ['..', '.', '', 'a/b', 'a b', 'a_b', '../../etc', 'é'].map(checkpointFolder);
    expect(new Set(odd).size).toBe(odd.length);
    for (const folder of odd) expect(folder).toMatch(/^(?!\.+$)[A-Za-z0-9_.-]+$/);
  });
});

describe('checkpoint failures seen from the logger', () => {
  it('skips a damaged line instead of throwing from new Logger() or load(), and counts it', () => {
    const root = freshRoot();
    const dir = join(root, 'job');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'checkpoints.log'), encodeSet('good', 1, {}, '1') + encodeSet('bad', 2, {}, '{"broken":'));
    appendFileSync(join(dir, 'checkpoints.log'), encodeSet('flipped', 3, {}, '"abc"').replace('abc', 'abd'));
    let log: Logger | undefined;
    const stderr = stderrOf(() => {
      log = make('job', root);
    });
    expect(log?.load('good')).toBe(1);
    expect(log?.load('bad')).toBeUndefined();
    expect(log?.load('flipped')).toBeUndefined();
    expect(log?.stats()).toMatchObject({ checkpointDamaged: 2, checkpointErrors: 0 });
    expect(stderr).toContain(`skipped 1 damaged line(s) in ${join(dir, 'checkpoints.log')}`);
    expect(stderr).toContain(`skipped damaged checkpoint 'bad'`);
  });

  it('never throws from save() when the store cannot be written, and counts each failure in stats()', () => {
    const base = mkdtempSync(join(tmpdir(), 'pulselog-root-'));
    // The checkpoint folder would have to be made inside a file: every save fails with ENOTDIR.
    writeFileSync(join(base, 'file'), '');
    const log = make('job', join(base, 'file', 'checkpoints'));
    const stderr = stderrOf(() => {
      expect(log.save('a', { x: 1 })).toMatchObject({ name: 'a', data: { x: 1 } });
      log.save('b', 2);
    });
    expect(log.stats()).toMatchObject({ checkpointErrors: 2, checkpointsSaved: 0 });
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^pulselog: could not save checkpoint 'a' to .*file\/checkpoints\/job\/checkpoints\.log: ENOTDIR/,
    );
    expect(log.load('a')).toEqual({ x: 1 });
  });
});
