import { describe, expect, it } from 'vitest';
import { controlMark, controlName, hasControls, splitControls } from './controls.js';

describe('controls', () => {
  it('splits text at every bidirectional control character', () => {
    expect(splitControls('invoice\u202Egnp.exe')).toEqual([
      { text: 'invoice', control: false },
      { text: '\u202E', control: true },
      { text: 'gnp.exe', control: false },
    ]);
    expect(splitControls('\u2066\u2069')).toEqual([
      { text: '\u2066', control: true },
      { text: '\u2069', control: true },
    ]);
    expect(splitControls('plain, עברית too')).toEqual([{ text: 'plain, עברית too', control: false }]);
  });

  it('knows each of the characters it marks by name', () => {
    const all = '\u061C\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
    for (const char of all) {
      expect(hasControls(`a${char}b`)).toBe(true);
      expect(controlName(char)).not.toBe('control character');
    }
    expect(hasControls('\u200D\u2065\u202F')).toBe(false);
    expect(controlMark('\u202E')).toBe('⟨U+202E⟩');
    expect(controlMark('\u061C')).toBe('⟨U+061C⟩');
  });
});
