import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config.js';
import { formatJoinAddress } from './address.js';
import { discoverServe, SERVE_FILE } from './discover.js';
import { joinTarget } from './target.js';

const TOKEN = 'abcdefghijklmnopqrstuvwxyz_-0123';
const address = (owner: string) => formatJoinAddress({ kind: 'unix', target: '/tmp/x.sock', token: TOKEN, owner });

describe('joinTarget', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'pulselog-target-'));
  const config = (env: Record<string, string>, options = {}) => resolveConfig(options, { env, cwd });

  it("joins the address a parent set, but never this thread's own dashboard", () => {
    const other = address(`${process.pid}.${threadId + 1}`);
    expect(joinTarget(config({ PULSELOG_JOIN: other }))).toBe(other);
    expect(joinTarget(config({ PULSELOG_JOIN: address(`${process.pid}.${threadId}`) }))).toBeUndefined();
  });

  it('stays on its own when the process that set the address is gone', () => {
    expect(joinTarget(config({ PULSELOG_JOIN: address(`${2 ** 22 + 12345}.0`) }))).toBeUndefined();
  });

  it('stays on its own with join: false, whatever the environment says', () => {
    const other = address('1.0');
    expect(joinTarget(config({ PULSELOG_JOIN: other }, { join: false }))).toBeUndefined();
    expect(joinTarget(config({ PULSELOG_JOIN: 'off' }))).toBeUndefined();
  });

  it('says which setting is wrong when the address is malformed', () => {
    expect(() => config({ PULSELOG_JOIN: 'nowhere' })).toThrow(
      expect.objectContaining({ code: 'PULSELOG_ERR_CONFIG', message: expect.stringMatching(/PULSELOG_JOIN/) }),
    );
  });

  it('looks for pulselog serve only when its note names a live process on the same port', () => {
    const project = mkdtempSync(join(tmpdir(), 'pulselog-serve-'));
    expect(discoverServe(project, 5678, TOKEN)).toBeUndefined();
    mkdirSync(join(project, '.pulselog'));
    const note = (pid: number, port: number) =>
      writeFileSync(
        join(project, '.pulselog', SERVE_FILE),
        JSON.stringify({ pid, host: '127.0.0.1', port, session: 's' }),
      );
    // A port nothing listens on: a note for another port, or for a process that is gone, is not even probed.
    note(process.pid, 1);
    expect(discoverServe(project, 5678, TOKEN)).toBeUndefined();
    note(2 ** 22 + 12345, 1);
    expect(discoverServe(project, 1, TOKEN)).toBeUndefined();
    // A live process on the port, but no pulselog answering there: the probe finds nothing.
    const started = Date.now();
    note(process.pid, 1);
    expect(discoverServe(project, 1, TOKEN)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
