import { describe, expect, it } from 'vitest';
import { parseServerMessage } from './protocol.js';

const sample = {
  at: 1,
  cpu: { user: 1, system: 0 },
  rss: 1,
  heap: { used: 1, total: 2 },
  loop: { p50: 0, p99: 0, max: 0 },
  gc: { ms: 0, count: 0 },
  handles: 1,
};

describe('health and profile messages', () => {
  it('parses a well-formed health message and refuses one missing a field', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'health', samples: [sample] })).ok).toBe(true);
    const { loop: _loop, ...noLoop } = sample;
    expect(parseServerMessage(JSON.stringify({ type: 'health', samples: [noLoop] }))).toEqual({
      ok: false,
      reason: 'malformed health',
    });
  });

  it('parses a profile chunk and refuses stacks or samples that are not whole triples', () => {
    const chunk = {
      type: 'profile',
      intervalUs: 10_000,
      frames: [{ id: 0, name: '(root)', url: '', line: 0, column: 0 }],
      stacks: [0, -1, 0],
      samples: [1000, 0, 10_000],
    };
    expect(parseServerMessage(JSON.stringify(chunk)).ok).toBe(true);
    expect(parseServerMessage(JSON.stringify({ ...chunk, stacks: [0, -1] })).ok).toBe(false);
    expect(parseServerMessage(JSON.stringify({ ...chunk, samples: [1, 'x', 3] })).ok).toBe(false);
    expect(parseServerMessage(JSON.stringify({ ...chunk, frames: [{ id: 0 }] })).ok).toBe(false);
  });
});
