import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colorWanted, resolveConfig } from './config.js';

function project(toml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pulselog-config-'));
  if (toml !== undefined) writeFileSync(join(dir, 'pulselog.toml'), toml);
  return dir;
}

describe('resolveConfig', () => {
  it('uses defaults, with the dashboard off in CI', () => {
    const cwd = project();
    expect(resolveConfig({}, { env: {}, cwd })).toMatchObject({ dashboard: true, port: 5678, level: 'debug' });
    expect(resolveConfig({}, { env: { CI: 'true' }, cwd })).toMatchObject({ dashboard: false, open: false });
  });

  it('has health on and the profiler off by default, each switched by option, PULSELOG_* or pulselog.toml', () => {
    expect(resolveConfig({}, { env: {}, cwd: project() })).toMatchObject({ health: true, profile: false });
    expect(resolveConfig({}, { env: { PULSELOG_PROFILE: '1', PULSELOG_HEALTH: '0' }, cwd: project() })).toMatchObject({
      health: false,
      profile: true,
    });
    expect(resolveConfig({}, { env: {}, cwd: project('profile = true\nhealth = false\n') })).toMatchObject({
      health: false,
      profile: true,
    });
    expect(resolveConfig({ profile: false }, { env: { PULSELOG_PROFILE: '1' }, cwd: project() }).profile).toBe(false);
    expect(() => resolveConfig({}, { env: { PULSELOG_PROFILE: 'maybe' }, cwd: project() })).toThrow(/PULSELOG_PROFILE/);
  });

  it('takes options over environment over pulselog.toml over defaults', () => {
    const cwd = project('port = 7000\nlevel = "error"\nflush_interval = 50\n');
    const env = { PULSELOG_PORT: '7100', PULSELOG_LEVEL: 'warn' };
    const config = resolveConfig({ port: 7200 }, { env, cwd });
    expect(config.port).toBe(7200);
    expect(config.level).toBe('warning');
    expect(config.flushInterval).toBe(50);
  });

  it('finds pulselog.toml in a parent folder and keeps state beside it', () => {
    const root = project('[pulselog]\nsession_dir = "logs"\n');
    const nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    const config = resolveConfig({}, { env: {}, cwd: nested });
    expect(config.projectDir).toBe(root);
    expect(config.sessionDir).toBe(join(root, 'logs'));
  });

  it("keeps a logger's checkpoints in a folder of its name, or in the shared store when asked", () => {
    const cwd = project('checkpoint_path = "state"\n');
    expect(resolveConfig({}, { env: {}, cwd, name: 'train' })).toMatchObject({
      checkpointPath: join(cwd, 'state', 'train'),
      sharedCheckpoints: false,
    });
    expect(resolveConfig({}, { env: { PULSELOG_SHARED_CHECKPOINTS: '1' }, cwd, name: 'train' }).checkpointPath).toBe(
      join(cwd, 'state'),
    );
    const shared = project('shared_checkpoints = true\n');
    expect(resolveConfig({}, { env: {}, cwd: shared, name: 'etl' }).checkpointPath).toBe(
      join(shared, '.pulselog', 'checkpoints'),
    );
    expect(resolveConfig({}, { env: {}, cwd: project(), name: '../up' }).checkpointPath).toMatch(
      /\/\.pulselog\/checkpoints\/__up-[0-9a-f]{8}$/,
    );
  });

  it('names the key, the value and the source of a bad setting', () => {
    const cwd = project('port = "high"\n');
    expect(() => resolveConfig({}, { env: {}, cwd })).toThrow(/port = "high" \(from .*pulselog\.toml key port\)/);
    expect(() => resolveConfig({}, { env: { PULSELOG_FLUSH_INTERVAL: '-5' }, cwd: project() })).toThrow(
      /flushInterval = "-5" \(from environment PULSELOG_FLUSH_INTERVAL\)/,
    );
    expect(() => resolveConfig({ overflow: 'explode' as never }, { env: {}, cwd: project() })).toThrow(
      /overflow = "explode" \(from options\.overflow\)/,
    );
  });

  it('refuses unknown keys in pulselog.toml and options', () => {
    expect(() => resolveConfig({}, { env: {}, cwd: project('prot = 1\n') })).toThrow(/unknown key/);
    expect(() => resolveConfig({ colour: true } as never, { env: {}, cwd: project() })).toThrow(/unknown option/);
  });

  it('refuses a short token', () => {
    expect(() => resolveConfig({ token: 'abc' }, { env: {}, cwd: project() })).toThrow(/128 bits/);
  });

  it('reads redaction paths from options, the environment (comma separated) and pulselog.toml', () => {
    const cwd = project('redact = ["password", "**.token"]\nredact_values = true\nmax_string_length = 4096\n');
    expect(resolveConfig({}, { env: {}, cwd })).toMatchObject({
      redact: ['password', '**.token'],
      redactValues: true,
      maxStringLength: 4096,
    });
    const env = { PULSELOG_REDACT: 'headers.authorization, *.secret', PULSELOG_REDACT_VALUES: 'off' };
    expect(resolveConfig({}, { env, cwd })).toMatchObject({
      redact: ['headers.authorization', '*.secret'],
      redactValues: false,
    });
    expect(resolveConfig({ redact: ['a.b'], redactValues: [/sk_[a-z]+/] }, { env, cwd }).redact).toEqual(['a.b']);
    expect(resolveConfig({}, { env: {}, cwd: project() })).toMatchObject({ redact: [], redactValues: false });
  });

  it('refuses a redaction path or pattern that does not parse, naming where it came from', () => {
    expect(() => resolveConfig({}, { env: { PULSELOG_REDACT: 'a..b' }, cwd: project() })).toThrow(
      /redact = "a..b" \(from environment PULSELOG_REDACT\): redaction path "a..b" has an empty key/,
    );
    expect(() => resolveConfig({ redactValues: ['(x'] }, { env: {}, cwd: project() })).toThrow(
      /redactValues = \["\(x"\] \(from options\.redactValues\)/,
    );
    expect(() => resolveConfig({}, { env: {}, cwd: project('redact = 5\n') })).toThrow(/expected a list/);
  });

  it('prints pretty lines by default only when stderr is a terminal, PULSELOG_PRETTY forcing either way', () => {
    const cwd = project();
    expect(resolveConfig({}, { env: {}, cwd, stderrIsTTY: true }).pretty).toBe(true);
    expect(resolveConfig({}, { env: {}, cwd, stderrIsTTY: false }).pretty).toBe(false);
    expect(resolveConfig({}, { env: { PULSELOG_PRETTY: '1' }, cwd, stderrIsTTY: false }).pretty).toBe(true);
    expect(resolveConfig({}, { env: { PULSELOG_PRETTY: '0' }, cwd, stderrIsTTY: true }).pretty).toBe(false);
    expect(resolveConfig({ pretty: true }, { env: { PULSELOG_PRETTY: '0' }, cwd }).pretty).toBe(true);
    // Captured console calls print already.
    expect(resolveConfig({ captureConsole: true }, { env: {}, cwd, stderrIsTTY: true }).pretty).toBe(false);
    expect(resolveConfig({ captureConsole: true, pretty: true }, { env: {}, cwd, stderrIsTTY: true }).pretty).toBe(
      true,
    );
    expect(resolveConfig({}, { env: {}, cwd: project('pretty = true\n'), stderrIsTTY: false }).pretty).toBe(true);
    expect(() => resolveConfig({}, { env: { PULSELOG_PRETTY: 'maybe' }, cwd })).toThrow(
      /pretty = "maybe" \(from environment PULSELOG_PRETTY\): expected true or false/,
    );
  });
});

describe('colorWanted', () => {
  it('colours a terminal, not a pipe', () => {
    expect(colorWanted({}, true)).toBe(true);
    expect(colorWanted({}, false)).toBe(false);
  });

  it('turns colour off with NO_COLOR or TERM=dumb, an empty NO_COLOR aside', () => {
    expect(colorWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted({ TERM: 'dumb' }, true)).toBe(false);
    expect(colorWanted({ NO_COLOR: '' }, true)).toBe(true);
  });

  it('lets FORCE_COLOR win either way, as Node does', () => {
    expect(colorWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '', NO_COLOR: '1' }, false)).toBe(true);
    expect(colorWanted({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colorWanted({ FORCE_COLOR: 'false' }, true)).toBe(false);
  });
});
