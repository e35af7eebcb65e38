import { describe, expect, it } from 'vitest';
import { FIRST_RETRY_MS, MAX_RETRY_MS, retryDelay } from './backoff.js';

describe('retryDelay', () => {
  it('retries quickly after the connection is first lost', () => {
    expect(retryDelay(1)).toBe(FIRST_RETRY_MS);
    expect(retryDelay(2)).toBe(2 * FIRST_RETRY_MS);
  });

  it('never grows shorter as attempts fail', () => {
    for (let attempt = 1; attempt < 50; attempt++) {
      expect(retryDelay(attempt + 1)).toBeGreaterThanOrEqual(retryDelay(attempt));
    }
  });

  it('still retries at least once a second after thousands of failed attempts', () => {
    expect(MAX_RETRY_MS).toBeLessThanOrEqual(1000);
    for (const attempt of [3, 10, 100, 10_000, 1e9, Number.MAX_SAFE_INTEGER]) {
      expect(retryDelay(attempt)).toBe(MAX_RETRY_MS);
    }
  });

  it('treats a missing or nonsensical attempt count as the first', () => {
    expect(retryDelay(0)).toBe(FIRST_RETRY_MS);
    expect(retryDelay(-3)).toBe(FIRST_RETRY_MS);
    expect(retryDelay(Number.NaN)).toBe(FIRST_RETRY_MS);
  });
});
