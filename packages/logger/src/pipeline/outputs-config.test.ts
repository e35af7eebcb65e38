import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_OUTPUTS, prettyOutput, resolveOutputs } from './outputs-config.js';

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

  it('makes the terminal output the logger adds when pretty is on', () => {
    const output = prettyOutput(true);
    expect(output).toMatchObject({ name: 'pretty', options: { color: true }, level: undefined });
    expect(output.target).toBe(resolveOutputs([{ target: 'pretty' }], '/tmp')[0]?.target);
  });

  it('still takes a package name that only looks like a built-in in part', () => {
    expect(resolveOutputs([{ target: 'loki-output' }], '/tmp')[0]?.target).toBe('loki-output');
  });
});
