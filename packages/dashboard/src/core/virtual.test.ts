import { describe, expect, it } from 'vitest';
import {
  isAtBottom,
  MAX_SCROLL_PX,
  scrollTopAfterShift,
  scrollTopFor,
  scrollTopToReveal,
  virtualWindow,
} from './virtual.js';

describe('virtualWindow', () => {
  it('renders the visible rows plus overscan', () => {
    const w = virtualWindow({ count: 1000, rowHeight: 20, viewport: 200, scrollTop: 400, overscan: 2 });
    expect(w).toEqual({ totalHeight: 20_000, start: 18, end: 32, offset: 360 });
  });

  it('clamps at both ends', () => {
    expect(virtualWindow({ count: 5, rowHeight: 20, viewport: 200, scrollTop: 0 })).toMatchObject({ start: 0, end: 5 });
    const w = virtualWindow({ count: 100, rowHeight: 20, viewport: 200, scrollTop: 99_999, overscan: 0 });
    expect(w).toMatchObject({ start: 90, end: 100, offset: 1800 });
  });

  it('compresses a very long list and still reaches its last row', () => {
    const count = 10_000_000;
    const w = virtualWindow({ count, rowHeight: 22, viewport: 660, scrollTop: MAX_SCROLL_PX, overscan: 0 });
    expect(w.totalHeight).toBe(MAX_SCROLL_PX);
    expect(w.end).toBe(count);
    expect(w.start).toBe(count - 30);
    // The last row ends exactly at the bottom of the content.
    expect(w.offset + (w.end - w.start) * 22).toBeCloseTo(MAX_SCROLL_PX, 3);
  });
});

describe('scrollTopFor', () => {
  it('puts a row at the top, clamped to the scrollable range', () => {
    expect(scrollTopFor(10, 1000, 20, 200)).toBe(200);
    expect(scrollTopFor(999, 1000, 20, 200)).toBe(19_800);
  });

  it('maps rows onto a compressed list so the window shows that row', () => {
    const count = 5_000_000;
    const top = scrollTopFor(3_000_000, count, 22, 660);
    const w = virtualWindow({ count, rowHeight: 22, viewport: 660, scrollTop: top, overscan: 0 });
    expect(w.start).toBe(3_000_000);
  });
});

describe('scrollTopToReveal', () => {
  it('moves only as far as needed, and not at all for a visible row', () => {
    expect(scrollTopToReveal(12, 1000, 20, 200, 0)).toBe(60);
    expect(scrollTopToReveal(3, 1000, 20, 200, 100)).toBe(60);
    expect(scrollTopToReveal(7, 1000, 20, 200, 100)).toBeUndefined();
  });
});

describe('isAtBottom', () => {
  it('is true only when the end of the content is in view', () => {
    expect(isAtBottom(800, 200, 1000)).toBe(true);
    expect(isAtBottom(700, 200, 1000)).toBe(false);
  });
});

describe('scrollTopAfterShift', () => {
  it('moves up by the rows taken off the top, so the same records stay in view', () => {
    expect(scrollTopAfterShift(10_000, 5000, 5000, 100, 20, 600)).toBe(8000);
    expect(scrollTopAfterShift(1000, 5000, 4900, 100, 20, 600)).toBe(0);
  });

  it('keeps the same row at the top of a compressed list', () => {
    const count = 2_000_000;
    const top = scrollTopFor(1_500_000, count, 20, 600);
    const after = scrollTopAfterShift(top, count, count, 200_000, 20, 600);
    expect(Math.abs(after - scrollTopFor(1_300_000, count, 20, 600))).toBeLessThan(1);
  });
});
