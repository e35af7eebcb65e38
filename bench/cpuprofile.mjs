// Reads a `.cpuprofile` (V8's format, as CDP `Profiler.stop` and node
// `--cpu-prof` write it): the functions with the most self time. Used by
// bench/cli-pipe.mjs's BENCH_PROFILE mode.

/** Names of the profile's pseudo-nodes that are not JavaScript at work. */
const IDLE = new Set(['(idle)', '(program)']);

/**
 * The `limit` functions with the most self time, in microseconds, summed over
 * every node of the same function (name, file and line), with the sampled
 * and idle totals.
 */
export function topFunctions(profile, limit) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  let total = 0;
  let idle = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one.
    const dt = timeDeltas[i + 1] ?? 0;
    const node = byId.get(samples[i]);
    if (!node) continue;
    total += dt;
    const frame = node.callFrame;
    if (IDLE.has(frame.functionName)) {
      idle += dt;
      continue;
    }
    const file = frame.url ? frame.url.split('/').pop() : '';
    const key = `${frame.functionName || '(anonymous)'}\u0000${file}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const rows = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([key, us]) => {
      const [name, where] = key.split('\u0000');
      return { name, where, self: us };
    });
  return { total, idle, rows };
}
