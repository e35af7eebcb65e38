import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The profiler samples the process's main thread, and tests run in workers:
 * so the program runs in a child process, with the built module (as the
 * profiler's own thread is loaded from the build under test).
 */
const PROGRAM = `
import { Profiler } from ${JSON.stringify(new URL('../../dist/profile/profiler.js', import.meta.url).href)};
// A loop V8 optimizes while it runs (on-stack replacement): the code a profiler started later never hears of.
function spinFor(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) for (let i = 0; i < 1000; i++) x += Math.sqrt(i * x + 1);
  return x;
}
const lines = [];
const profiler = new Profiler(undefined, (line) => lines.push(line), { chunkMs: 60000 });
spinFor(400);
await profiler.stop(10000);
const messages = lines.map((line) => JSON.parse(line));
const frames = new Map(messages.flatMap((m) => m.frames).map((f) => [f.id, f.name]));
const stacks = new Map();
for (const m of messages) for (let i = 0; i < m.stacks.length; i += 3) stacks.set(m.stacks[i], m.stacks[i + 2]);
const self = {};
for (const m of messages)
  for (let i = 0; i < m.samples.length; i += 3) {
    const name = frames.get(stacks.get(m.samples[i + 1])) || '(anonymous)';
    if (name !== '(idle)') self[name] = (self[name] ?? 0) + m.samples[i + 2];
  }
console.log(JSON.stringify(Object.entries(self).sort((a, b) => b[1] - a[1])));
`;

describe('Profiler', () => {
  it('samples from the moment it is made: a hot loop right after is charged to its own function', () => {
    const top = JSON.parse(
      execFileSync(process.execPath, ['--input-type=module', '-e', PROGRAM], { encoding: 'utf8', timeout: 30_000 }),
    ) as [string, number][];
    expect(top[0]?.[0], JSON.stringify(top.slice(0, 5))).toBe('spinFor');
  }, 40_000);
});
