import type { LevelName, LogRecord } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { buildChart, chartFromParams, chartToParams, wheelRange } from './chart.js';
import { packRecords } from './pack.js';
import { RecordStore } from './records.js';

function store(records: LogRecord[]): RecordStore {
  const s = new RecordStore();
  s.append(packRecords(records));
  return s;
}

const all = (s: RecordStore) => ({ length: s.size, rows: undefined });

describe('buildChart', () => {
  const training: LogRecord[] = Array.from({ length: 1000 }, (_, i) => ({
    seq: i + 1,
    ts: 10_000 + i * 10,
    level: (i % 100 === 99 ? 'warning' : 'info') as LevelName,
    msg: 'step',
    tag: i % 2 === 0 ? 'train' : 'eval',
    fields: { step: i, loss: 1 / (i + 1), ...(i === 500 ? { loss: 9 } : {}) },
  }));

  it('keeps the smallest and largest value of each pixel column, in the order they came', () => {
    const s = store(training);
    const chart = buildChart(s, all(s), { fields: ['loss'], x: 'time', by: 'none' }, 100);
    expect(chart.xs).toHaveLength(200);
    expect(chart.span).toEqual([10_000, 10_000 + 999 * 10]);
    const [loss] = chart.series;
    expect(loss?.label).toBe('loss');
    // First column: records 0..9, falling, so the largest comes first.
    expect(loss?.ys.slice(0, 2)).toEqual([1, 1 / 10]);
    expect([...(loss?.records.slice(0, 2) ?? [])]).toEqual([0, 9]);
    // The spike of one record survives decimation.
    expect(Math.max(...((loss?.ys ?? []) as number[]))).toBe(9);
    expect(loss?.stats).toMatchObject({ count: 1000, min: 1 / 1000, max: 9 });
    expect(loss?.stats.p50).toBeCloseTo(1 / 500, 3);
  });

  it('plots one field against another, split per tag or level, within a range', () => {
    const s = store(training);
    const byTag = buildChart(s, all(s), { fields: ['loss'], x: 'step', by: 'tag' }, 10, [0, 99]);
    expect(byTag.series.map((c) => c.label)).toEqual(['loss · train', 'loss · eval']);
    expect(byTag.xs[0]).toBeCloseTo(4.95);
    expect(byTag.series[0]?.stats.count).toBe(50);
    const byLevel = buildChart(s, all(s), { fields: ['loss', 'step'], x: 'time', by: 'level' }, 50);
    expect(byLevel.series.map((c) => c.label)).toEqual([
      'loss · info',
      'step · info',
      'loss · warning',
      'step · warning',
    ]);
    expect(byLevel.series[2]?.stats.count).toBe(10);
  });

  it('follows the rows shown and ignores fields without numbers', () => {
    const s = store(training);
    const rows = Uint32Array.from([1, 3, 5]);
    const chart = buildChart(s, { length: 3, rows }, { fields: ['loss', 'nothing'], x: 'time', by: 'none' }, 10);
    const tagged = store([
      ...training.slice(0, 4),
      { seq: 5000, ts: 99_999, level: 'info', msg: 'x', fields: { note: 'text' } },
    ]);
    expect(
      buildChart(tagged, all(tagged), { fields: ['note', 'loss'], x: 'time', by: 'none' }, 10).series.map(
        (c) => c.label,
      ),
    ).toEqual(['loss']);
    expect(chart.series).toHaveLength(1);
    expect(chart.series[0]?.ys.filter((y) => y !== null)).toEqual([1 / 2, 1 / 2, 1 / 4, 1 / 4, 1 / 6, 1 / 6]);
  });

  it('draws at most two points per pixel column however many records', () => {
    const s = new RecordStore();
    for (let run = 0; run < 2; run++) {
      s.append(
        packRecords(
          Array.from({ length: 100_000 }, (_, k) => {
            const i = run * 100_000 + k;
            return { seq: i + 1, ts: i, level: 'info', msg: 'x', fields: { v: Math.sin(i / 1000) } } as LogRecord;
          }),
        ),
      );
    }
    const chart = buildChart(s, all(s), { fields: ['v'], x: 'time', by: 'none' }, 800);
    expect(chart.xs).toHaveLength(1600);
    expect(chart.series[0]?.stats.count).toBe(200_000);
  });
});

describe('chart in the URL', () => {
  it('round-trips and leaves defaults out', () => {
    const spec = { fields: ['loss', 'val_loss'], x: 'step', by: 'tag' as const };
    const params = chartToParams(spec, new URLSearchParams('q=x'));
    expect(params.toString()).toBe('q=x&chart=loss%2Cval_loss&chartx=step&chartby=tag');
    expect(chartFromParams(params)).toEqual(spec);
    expect(chartToParams({ fields: [], x: 'time', by: 'none' }, new URLSearchParams()).toString()).toBe('');
    expect(chartFromParams(new URLSearchParams('chart=a&chartby=bogus'))).toEqual({
      fields: ['a'],
      x: 'time',
      by: 'none',
    });
  });
});

describe('wheelRange', () => {
  it('pans a range by a share of its width and zooms around the pointer, within the session', () => {
    expect(wheelRange([100, 200], [0, 1000], 150, 0.1)).toEqual([110, 210]);
    expect(wheelRange([100, 200], [0, 1000], 150, -0.5)).toEqual([50, 150]);
    expect(wheelRange([950, 1000], [0, 1000], 990, 0.5)).toEqual([950, 1000]);
    expect(wheelRange([100, 200], [0, 1000], 125, 0, 0.5)).toEqual([112, 163]);
    expect(wheelRange([100, 200], [0, 1000], 150, 0, 100)).toEqual([0, 1000]);
  });
});
