import { LEVEL_NAMES } from '@pulselog/shared';
import { describe, expect, it } from 'vitest';
import { levelSlot } from './core.js';

describe('levelSlot', () => {
  it('gives each level its place in LEVEL_NAMES, so per-level counters line up with the names', () => {
    expect(LEVEL_NAMES.map(levelSlot)).toEqual(LEVEL_NAMES.map((_, i) => i));
  });
});
