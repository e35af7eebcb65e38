import { describe, expect, it } from 'vitest';
import { exportJson, importSession } from './transfer.js';

const health = {
  type: 'health',
  samples: [
    {
      at: 1000,
      cpu: { user: 12.5, system: 1 },
      rss: 9e7,
      heap: { used: 5e6, total: 8e6 },
      loop: { p50: 1, p99: 3, max: 9 },
      gc: { ms: 2, count: 1 },
      handles: 3,
    },
  ],
};
const profile = {
  type: 'profile',
  intervalUs: 10_000,
  frames: [{ id: 0, name: '(root)', url: '', line: 0, column: 0 }],
  stacks: [0, -1, 0],
  samples: [1000, 0, 10_000],
};
const session = {
  id: 's-1',
  name: 's',
  pid: 1,
  host: 'h',
  startedAt: 900,
  versions: { pulselog: '', node: '', protocol: 1 },
};

describe('import and export of health and profile', () => {
  it('reads health and profile lines of a session file, and skips malformed ones', () => {
    const text = [
      JSON.stringify({ type: 'session', format: 1, session }),
      JSON.stringify({ seq: 1, ts: 1000, level: 'info', msg: 'hi' }),
      JSON.stringify(health),
      JSON.stringify(profile),
      JSON.stringify({ type: 'health', samples: [{ at: 'soon' }] }),
      JSON.stringify({ type: 'profile', intervalUs: 1, frames: [], stacks: [1, 2], samples: [] }),
    ].join('\n');
    const result = importSession(text, 's.ndjson');
    if (!result.ok) throw new Error(result.reason);
    expect(result.dump.insight).toEqual([health, profile]);
    expect(result.skipped).toBe(2);
  });

  it('carries them through an export and back', () => {
    const parts = exportJson({
      meta: { session },
      lines: [`${JSON.stringify({ seq: 1, ts: 1000, level: 'info', msg: 'hi' })}\n`],
      checkpoints: [],
      insight: [health as never, profile as never],
    });
    const result = importSession(parts.join(''), 's.json');
    if (!result.ok) throw new Error(result.reason);
    expect(result.dump.records.length).toBe(1);
    expect(result.dump.insight).toEqual([health, profile]);
  });
});
