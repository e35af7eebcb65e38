import { describe, expect, it } from 'vitest';
import { TimeOrder } from './order.js';

const f = (...times: number[]) => Float64Array.from(times);

describe('TimeOrder', () => {
  it('merges sources by time once their records are past the window, each source in its own order', () => {
    const order = new TimeOrder(50, 1000);
    const done: string[] = [];
    order.add('a', f(10, 30, 70), ['a1', 'a2', 'a3'], 75, () => done.push('a'));
    order.add('b', f(20, 25), ['b1', 'b2'], 76, () => done.push('b'));
    expect(order.release(60)).toEqual([{ source: 'a', times: [10], tails: ['a1'] }]);
    expect(order.release(90)).toEqual([
      { source: 'b', times: [20, 25], tails: ['b1', 'b2'] },
      { source: 'a', times: [30], tails: ['a2'] },
    ]);
    // A message is done once its records are handed on (`settle`), not when they are released.
    expect(done).toEqual([]);
    order.settle();
    expect(done).toEqual(['b']);
    expect(order.size).toBe(1);
    expect(order.release(120)).toEqual([{ source: 'a', times: [70], tails: ['a3'] }]);
    order.settle();
    expect(done).toEqual(['b', 'a']);
  });

  it('keeps a source in its own order even when its times go back', () => {
    const order = new TimeOrder(0, 1000);
    order.add('a', f(5, 1), ['a1', 'a2'], 0, () => {});
    order.add('b', f(3), ['b1'], 0, () => {});
    expect(order.release(10).flatMap((r) => r.tails)).toEqual(['b1', 'a1', 'a2']);
  });

  it('holds records of a clock running ahead at most maxHoldMs past their arrival', () => {
    const order = new TimeOrder(50, 200);
    order.add('fast', f(10_000), ['x'], 100, () => {});
    expect(order.release(250)).toEqual([]);
    expect(order.release(300)).toEqual([{ source: 'fast', times: [10_000], tails: ['x'] }]);
  });

  it('releases a source that left, or everything, at once', () => {
    const order = new TimeOrder(50, 1000);
    order.add('a', f(100), ['a1'], 100, () => {});
    order.add('b', f(90), ['b1'], 100, () => {});
    expect(order.release(100, { only: 'a' })).toEqual([{ source: 'a', times: [100], tails: ['a1'] }]);
    expect(order.release(100, { all: true })).toEqual([{ source: 'b', times: [90], tails: ['b1'] }]);
    expect(order.size).toBe(0);
  });
});
