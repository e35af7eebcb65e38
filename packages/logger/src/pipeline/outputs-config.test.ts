import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_OUTPUTS, PRETTY_MAX_BACKLOG_CHARS, resolveOutputs, withPretty } from './outputs-config.js';

describe('resolveOutputs', () => {
  it('names the built-in outputs by a bare target, each a module of outputs/', () => {
    const resolved = resolveOutputs(
      BUILT_IN_OUTPUTS.map((target) => ({ target, options: { url: 'http://127.0.0.1:1' } })),
      '/tmp',
    );
    expect(resolved.map((r) => r.name)).toEqual(['otlp', 'loki', 'elasticsearch', 'splunk', 'pretty']);
    for (const r of resolved) {
      expect(r.target).toMatch(new RegExp(`/outputs/${r.name}\\.js$`));
      // Beside this file as a .ts source under test, as a .js file once built.
      expect(existsSync(fileURLToPath(r.target).replace(/\.js$/, '.ts')) || existsSync(fileURLToPath(r.target))).toBe(
        true,
      );
    }
  });

  it('adds the terminal output first when pretty is on, unless the outputs name it already', () => {
    const own = resolveOutputs([{ target: 'otlp' }], '/tmp');
    const pretty = resolveOutputs([{ target: 'pretty', options: { fd: 1 } }], '/tmp');
    expect(withPretty(own, false, true)).toEqual(own);
    const added = withPretty(own, true, true);
    expect(added.map((o) => o.name)).toEqual(['pretty', 'otlp']);
    expect(added[0]).toMatchObject({
      target: pretty[0]?.target,
      options: { color: true },
      level: undefined,
      maxBacklogChars: PRETTY_MAX_BACKLOG_CHARS,
    });
    expect(withPretty(pretty, true, true)).toEqual(pretty);
    // A user's output that only happens to be called pretty keeps its name.
    const named = resolveOutputs([{ target: './mine.mjs', name: 'pretty' }], '/tmp');
    expect(withPretty(named, true, false).map((o) => o.name)).toEqual(['pretty-terminal', 'pretty']);
  });

  it('still takes a package name that only looks like a built-in in part', () => {
    expect(resolveOutputs([{ target: 'loki-output' }], '/tmp')[0]?.target).toBe('loki-output');
  });
});
