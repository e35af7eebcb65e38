import { LEVEL_NAMES, type LevelName } from '@pulselog/shared';
import { DIVIDER_CODE } from '@pulselog/shared/query';
import { describe, expect, it } from 'vitest';
import { countRows, lowerBound, SecondCounts, spanLabel, timeAt, timeTicks, xAt } from './timeline.js';

/** Counts per level in `LEVEL_NAMES` order, as buckets hold them. */
const perLevel = (counts: Partial<Record<LevelName, number>>) => LEVEL_NAMES.map((l) => counts[l] ?? 0);
/** Level codes of a run given as columns: a level's index in `LEVEL_NAMES`, or `DIVIDER_CODE`. */
const codesOf = (...levels: (LevelName | 'divider')[]) =>
  Uint8Array.from(levels, (l) => (l === 'divider' ? DIVIDER_CODE : LEVEL_NAMES.indexOf(l)));

describe('SecondCounts', () => {
  it('sums counts per level into buckets and marks errors', () => {
    const counts = new SecondCounts();
    counts.add(10_100, 'info');
    counts.add(10_900, 'info');
    counts.add(11_500, 'error');
    counts.add(15_000, 'debug');
    const buckets = counts.buckets(10_000, 16_000, 3);
    expect(buckets.map((b) => b.total)).toEqual([3, 0, 1]);
    expect(buckets[0]?.counts).toEqual(perLevel({ info: 2, error: 1 }));
    expect(buckets.map((b) => b.error)).toEqual([true, false, false]);
    expect([counts.first, counts.last]).toEqual([10_100, 15_000]);
  });

  it('counts a run given as columns as it counts records one by one, dividers only widening the span', () => {
    const times = Float64Array.of(9_000, 10_100, 10_900, 11_500, 15_000, 16_200);
    const codes = codesOf('divider', 'info', 'info', 'error', 'debug', 'divider');
    const run = new SecondCounts();
    run.addRun(times, codes, 0, times.length);
    const one = new SecondCounts();
    one.touch(9_000);
    one.add(10_100, 'info');
    one.add(10_900, 'info');
    one.add(11_500, 'error');
    one.add(15_000, 'debug');
    one.touch(16_200);
    expect(run.buckets(9_000, 17_000, 4)).toEqual(one.buckets(9_000, 17_000, 4));
    expect([run.first, run.last]).toEqual([9_000, 16_200]);
  });

  it('widens its span for uncounted records', () => {
    const counts = new SecondCounts();
    counts.touch(500);
    counts.add(900, 'info');
    expect([counts.first, counts.last]).toEqual([500, 900]);
    expect(counts.buckets(0, 1000, 1)[0]?.total).toBe(1);
  });

  it('forgets the seconds before the oldest record held', () => {
    const counts = new SecondCounts();
    counts.addRun(Float64Array.of(1000, 2500, 3100, 9000), Uint8Array.of(1, 1, 3, 1), 0, 4);
    counts.forgetBefore(3100);
    expect(counts.first).toBe(3100);
    expect(counts.last).toBe(9000);
    const [bucket] = counts.buckets(0, 10_000, 1);
    expect(bucket?.total).toBe(2);
    // A time before the span changes nothing.
    counts.forgetBefore(10);
    expect(counts.first).toBe(3100);
  });

  it('never makes buckets narrower than a second', () => {
    const counts = new SecondCounts();
    counts.add(0, 'info');
    expect(counts.buckets(0, 2000, 100)).toHaveLength(2);
  });
});

describe('timeline positions', () => {
  it('maps between pixels and time, clamped to the strip', () => {
    expect(timeAt(50, 200, 1000, 2000)).toBe(1250);
    expect(timeAt(-5, 200, 1000, 2000)).toBe(1000);
    expect(xAt(1500, 200, 1000, 2000)).toBe(100);
  });

  it('finds the first record at or after a time', () => {
    const ts = [1, 3, 3, 7];
    expect(lowerBound(ts.length, (i) => ts[i] ?? 0, 3)).toBe(1);
    expect(lowerBound(ts.length, (i) => ts[i] ?? 0, 8)).toBe(4);
  });
});

describe('countRows', () => {
  it('counts the rows shown per level into buckets of the span, leaving dividers out', () => {
    const times = Float64Array.of(0, 100, 900, 1500, 2999, 3000);
    const codes = codesOf('info', 'error', 'info', 'divider', 'debug', 'info');
    const all = countRows(times, codes, { length: 6, rows: undefined }, 0, 3000, 3);
    expect([...all.totals]).toEqual([3, 0, 2]);
    expect([...all.counts.slice(0, LEVEL_NAMES.length)]).toEqual(perLevel({ info: 2, error: 1 }));
    const some = countRows(times, codes, { length: 2, rows: Uint32Array.of(1, 4) }, 0, 3000, 3);
    expect([...some.totals]).toEqual([1, 0, 1]);
  });
});

describe('timeTicks', () => {
  it('puts ticks on round local times, labelled as finely as their step', () => {
    const start = new Date(2026, 0, 2, 14, 5, 0, 120).getTime();
    const fine = timeTicks(start, start + 3000, 8);
    expect(fine.map((t) => t.label)).toEqual([
      '14:05:00.5',
      '14:05:01.0',
      '14:05:01.5',
      '14:05:02.0',
      '14:05:02.5',
      '14:05:03.0',
    ]);
    const hour = timeTicks(start, start + 3_600_000, 6);
    expect(hour.map((t) => t.label)).toEqual(['14:10', '14:20', '14:30', '14:40', '14:50', '15:00']);
    expect(timeTicks(start, start + 40_000, 5).map((t) => t.label)).toEqual([
      '14:05:10',
      '14:05:20',
      '14:05:30',
      '14:05:40',
    ]);
    expect(timeTicks(start, start, 5)).toEqual([]);
  });

  it('says a bucket width in the unit that reads best', () => {
    expect([spanLabel(12.5), spanLabel(2000), spanLabel(300_000), spanLabel(7_200_000)]).toEqual([
      '13 ms',
      '2 s',
      '5 min',
      '2 h',
    ]);
  });
});
