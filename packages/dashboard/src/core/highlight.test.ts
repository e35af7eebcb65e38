import { describe, expect, it } from 'vitest';
import { highlight } from './highlight.js';

describe('highlight', () => {
  it('marks every case-insensitive occurrence', () => {
    expect(highlight('Disk full, DISK!', ['disk'])).toEqual([
      { text: 'Disk', hit: true },
      { text: ' full, ', hit: false },
      { text: 'DISK', hit: true },
      { text: '!', hit: false },
    ]);
  });

  it('merges overlapping matches of several terms', () => {
    expect(highlight('abcdef', ['bcd', 'cde'])).toEqual([
      { text: 'a', hit: false },
      { text: 'bcde', hit: true },
      { text: 'f', hit: false },
    ]);
  });

  it('leaves text without matches whole', () => {
    expect(highlight('abc', ['x'])).toEqual([{ text: 'abc', hit: false }]);
    expect(highlight('abc', [])).toEqual([{ text: 'abc', hit: false }]);
  });
});
