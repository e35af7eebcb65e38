import { describe, expect, it } from 'vitest';
import { anomalyOf, DurationHistory, formatMs, HISTORY_SIZE, MIN_HISTORY } from './history.js';

/** Durations around `center`, spread like real timings (deterministic). */
const usual = (n: number, center: number) =>
  Array.from({ length: n }, (_, i) => center * (0.85 + ((i * 37) % 31) / 100));

describe('anomalyOf', () => {
  it('says nothing until a name has enough history', () => {
    expect(anomalyOf(usual(MIN_HISTORY - 1, 50), 5000)).toBeUndefined();
    expect(anomalyOf(usual(MIN_HISTORY, 50), 5000)).toMatch(/^5000 ms, 1\d\dx the median of 20 calls$/);
  });

  it('names the time, the ratio to the median and the history it was judged on', () => {
    // 57 calls around 42 ms (their median is 42.0 ms).
    expect(anomalyOf(usual(57, 42), 412)).toBe('412 ms, 9.8x the median of 57 calls');
  });

  it('lets ordinary spread and small slow-downs pass', () => {
    const history = usual(100, 50);
    for (const ms of [30, 50, 60, 65, 90, 140]) expect(anomalyOf(history, ms)).toBeUndefined();
    expect(anomalyOf(history, 160)).toBeDefined();
  });

  it('never flags sub-millisecond noise, even in a history with no spread', () => {
    const flat = new Array(50).fill(0.01);
    expect(anomalyOf(flat, 0.5)).toBeUndefined();
    expect(anomalyOf(flat, 5)).toBe('5 ms, 500x the median of 50 calls');
  });

  it('is not pulled by earlier slow calls the way a mean would be', () => {
    const history = [...usual(60, 20), 2000, 2500, 3000];
    expect(anomalyOf(history, 400)).toBeDefined();
  });
});

describe('DurationHistory', () => {
  it('keeps the newest calls, oldest first, bounded', () => {
    const history = new DurationHistory();
    for (let i = 0; i < HISTORY_SIZE + 5; i++) history.judge(i);
    const values = history.values();
    expect(values).toHaveLength(HISTORY_SIZE);
    expect(values[0]).toBe(5);
    expect(values.at(-1)).toBe(HISTORY_SIZE + 4);
  });
});

describe('formatMs', () => {
  it('reads as people write durations', () => {
    expect([formatMs(0.123), formatMs(3.21), formatMs(57.4), formatMs(412.4), formatMs(12_400)]).toEqual([
      '0.12 ms',
      '3.2 ms',
      '57 ms',
      '412 ms',
      '12.4 s',
    ]);
  });
});
