import { describe, expect, it } from 'vitest';
import { formatEvent, NOISE_FORMATS, type NoiseEvent, NoiseGenerator } from './generate.js';

const START = Date.parse('2026-12-04T19:00:00Z');
const events = (n: number, seed = 7): NoiseEvent[] => {
  const g = new NoiseGenerator(seed);
  return Array.from({ length: n }, (_, i) => g.next(START + i * 10));
};

describe('NoiseGenerator', () => {
  it('makes the same events from the same seed and others from another', () => {
    expect(events(50)).toEqual(events(50));
    expect(events(50, 8)).not.toEqual(events(50));
  });

  it('makes mostly successful requests, a tail of 4xx and 5xx, messages and errors with stacks', () => {
    const all = events(5000);
    const requests = all.filter((e) => e.kind === 'request');
    const statuses = requests.map((e) => (e.kind === 'request' ? e.status : 0));
    expect(requests.length / all.length).toBeGreaterThan(0.7);
    expect(statuses.filter((s) => s < 300).length / statuses.length).toBeGreaterThan(0.75);
    expect(statuses.some((s) => s >= 400 && s < 500)).toBe(true);
    expect(statuses.some((s) => s >= 500)).toBe(true);
    const failures = all.filter((e) => e.kind === 'message' && e.error !== undefined);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) if (f.kind === 'message') expect(f.error?.stack).toMatch(/\n {4}at /);
    const latencies = requests.map((e) => (e.kind === 'request' ? e.latencyMs : 0)).sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length * 0.99)]).toBeGreaterThan(
      5 * (latencies[latencies.length >> 1] as number),
    );
  });
});

describe('formatEvent', () => {
  const sample = events(400);

  it('writes JSON lines with time, level, service and message', () => {
    for (const e of sample) {
      const line = JSON.parse(formatEvent(e, 'json'));
      expect(line).toMatchObject({ time: new Date(e.ts).toISOString(), level: e.level, service: e.service });
      expect(typeof line.msg).toBe('string');
    }
  });

  it('writes logfmt that reads back as key=value pairs, stacks quoted on one line', () => {
    const pair = /([a-z_]+)=("(?:[^"\\]|\\.)*"|[^\s"]+)/g;
    for (const e of sample) {
      const line = formatEvent(e, 'logfmt');
      expect(line).not.toContain('\n');
      expect(line.replace(pair, '').trim()).toBe('');
      const keys = [...line.matchAll(pair)].map((m) => m[1]);
      expect(keys.slice(0, 3)).toEqual(['time', 'level', 'service']);
    }
  });

  it("writes Apache's combined log format", () => {
    const combined =
      /^\S+ - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "[A-Z]+ \S+ HTTP\/1\.1" \d{3} (\d+|-) "-" "[^"]*"$/;
    for (const e of sample) expect(formatEvent(e, 'apache')).toMatch(combined);
    expect(formatEvent(sample[0] as NoiseEvent, 'apache')).toContain('[04/Dec/2026:19:00:00 +0000]');
  });

  it('writes text lines led by time and level, a failure followed by its stack', () => {
    for (const e of sample) {
      const [first, ...rest] = formatEvent(e, 'text').split('\n');
      expect(first).toMatch(/^\d{4}-\d{2}-\d{2}T\S+Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) +\[\w+\] /);
      if (e.kind === 'message' && e.error) {
        expect(rest[0]).toBe(`${e.error.name}: ${e.error.message}`);
        expect(rest[1]).toMatch(/^ {4}at /);
      } else expect(rest).toEqual([]);
    }
  });

  it('knows every format it offers', () => {
    for (const format of NOISE_FORMATS) expect(formatEvent(sample[1] as NoiseEvent, format).length).toBeGreaterThan(0);
  });
});
