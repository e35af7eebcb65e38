import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryDelay } from './backoff.js';

const bounds = { baseMs: 100, maxMs: 5000 };

describe('retryDelay', () => {
  it('doubles the cap with each attempt and picks a random time under it', () => {
    expect(retryDelay(1, bounds, undefined, 0, () => 1)).toBe(100);
    expect(retryDelay(4, bounds, undefined, 0, () => 1)).toBe(800);
    expect(retryDelay(4, bounds, undefined, 0, () => 0.5)).toBe(400);
    expect(retryDelay(30, bounds, undefined, 0, () => 1)).toBe(5000);
  });

  it('waits as long as Retry-After asks, in seconds or as a date, up to the cap', () => {
    expect(retryDelay(1, bounds, '2', 0, () => 0)).toBe(2000);
    expect(retryDelay(1, bounds, '60', 0, () => 0)).toBe(5000);
    const now = Date.parse('Fri, 04 Dec 2026 19:00:00 GMT');
    expect(retryDelay(1, bounds, 'Fri, 04 Dec 2026 19:00:03 GMT', now, () => 0)).toBe(3000);
  });
});

describe('parseRetryAfter', () => {
  it('reads nothing from an absent or unreadable header', () => {
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
