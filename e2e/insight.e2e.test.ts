import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type HealthSample, isHealthSample, type ProfileMessage } from '@pulselog/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDashboardUrl, rawClient } from './support/client.js';
import { type RunningScript, runScript } from './support/script.js';

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function (`name file:line`) of a `.cpuprofile`, read the way DevTools reads it: a sample lasts until the next. */
function selfTimes(profile: CpuProfile): [string, number][] {
  const byNode = new Map<number, number>();
  // Time the thread waited is no function's: a loaded machine stretches the script's sleeps.
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  profile.samples.forEach((node, i) => {
    if (idle.has(node)) return;
    byNode.set(node, (byNode.get(node) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  });
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName} ${url.split('/').pop()}:${lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + (byNode.get(node.id) ?? 0));
  }
  return [...byFunction].sort((a, b) => b[1] - a[1]);
}

function sessionFiles(cwd: string): string[] {
  const dir = join(cwd, '.pulselog', 'sessions');
  return readdirSync(dir).map((name) => join(dir, name));
}

describe('health and the continuous profiler', () => {
  let script: RunningScript | undefined;

  afterEach(async () => {
    await script?.kill();
  });

  it('sends a health sample with every field to a tab once a second, replays them and the profile to a later tab, and keeps them in the session file', async () => {
    script = runScript('insight-busy.mjs', { PULSELOG_PROFILE: '1' }, ['60']);
    const client = rawClient(parseDashboardUrl(await script.dashboardUrl()));
    const samples = () => client.others.flatMap((m) => (m.type === 'health' ? m.samples : [])) as HealthSample[];
    await client.until(() => samples().length >= 6, 30_000);
    const got = samples();
    for (const sample of got) expect(isHealthSample(sample)).toBe(true);
    // The program's own CPU use shows, and its heap and handles are there.
    expect(got.some((s) => s.cpu.user > 5)).toBe(true);
    expect(got.every((s) => s.rss > 0 && s.heap.used > 0 && s.heap.total >= s.heap.used && s.handles > 0)).toBe(true);
    // A busy slice of 40 ms shows in the event-loop delay.
    expect(Math.max(...got.map((s) => s.loop.max))).toBeGreaterThan(30);
    const gaps = got.slice(1).map((s, i) => s.at - (got[i] as HealthSample).at);
    gaps.sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)] as number;
    expect(median).toBeGreaterThan(900);
    expect(median).toBeLessThan(1300);
    client.ws.close();
    // A tab that connects later gets the samples taken before it came.
    const late = rawClient(parseDashboardUrl(await script.dashboardUrl()));
    await late.until(() => late.others.some((m) => m.type === 'health' && m.samples.length >= got.length), 10_000);
    // And the profile's chunks so far, the frames of the first among them.
    await late.until(
      () => late.others.some((m) => m.type === 'profile' && m.frames.some((f) => f.name === 'crunchNumbers')),
      10_000,
    );
    late.ws.close();
    const file = sessionFiles(script.cwd).find((f) => f.endsWith('.ndjson')) as string;
    const lines = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{"type":"health"'));
    expect(lines.length).toBeGreaterThanOrEqual(got.length);
  }, 60_000);

  for (const ending of ['its end', 'process.exit()']) {
    it(`names the busy function as the top self-time frame of the .cpuprofile written at ${ending}`, async () => {
      script = runScript('insight-busy.mjs', { PULSELOG_PROFILE: '1', PULSELOG_DASHBOARD: '0' }, [
        '4',
        ending === 'its end' ? '' : 'exit',
      ]);
      const { code } = await script.exited;
      expect(code, script.stderr()).toBe(0);
      const files = sessionFiles(script.cwd);
      const cpuprofile = files.find((f) => f.endsWith('.cpuprofile'));
      expect(cpuprofile, files.join(', ')).toBeDefined();
      const profile = JSON.parse(readFileSync(cpuprofile as string, 'utf8')) as CpuProfile;
      const top = selfTimes(profile);
      // The busy loop, or (when V8 optimized it before the profiler saw it: README, "Health and the
      // profiler") the script's module body that calls it.
      expect(top[0]?.[0], JSON.stringify(top.slice(0, 5))).toMatch(
        /^(crunchNumbers insight-busy\.mjs:11| insight-busy\.mjs:0)$/,
      );
      // The session file carries the same samples as `profile` lines, for tabs and imports.
      const ndjson = files.find((f) => f.endsWith('.ndjson')) as string;
      const chunks = readFileSync(ndjson, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{"type":"profile"'))
        .map((l) => JSON.parse(l) as ProfileMessage);
      expect(chunks.length).toBeGreaterThanOrEqual(2);
      expect(chunks.flatMap((c) => c.frames).some((f) => f.name === 'crunchNumbers' && f.line === 11)).toBe(true);
    }, 60_000);
  }
});
