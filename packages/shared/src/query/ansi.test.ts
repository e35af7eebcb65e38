import { describe, expect, it } from 'vitest';
import { parseAnsi, stripAnsi } from './ansi.js';

describe('parseAnsi', () => {
  it('returns plain text as one segment', () => {
    expect(parseAnsi('hello')).toEqual([{ text: 'hello' }]);
  });

  it('keeps 16-colour, bold and reset codes as styles', () => {
    expect(parseAnsi('\u001b[31mred\u001b[0m plain \u001b[1;92mbright\u001b[22m')).toEqual([
      { text: 'red', fg: '#cd3131' },
      { text: ' plain ' },
      { text: 'bright', bold: true, fg: '#23d18b' },
    ]);
  });

  it('reads 256-colour and true-colour codes', () => {
    expect(parseAnsi('\u001b[38;5;196mx\u001b[48;2;1;2;3my')).toEqual([
      { text: 'x', fg: 'rgb(255, 0, 0)' },
      { text: 'y', fg: 'rgb(255, 0, 0)', bg: 'rgb(1, 2, 3)' },
    ]);
  });

  it('drops cursor moves, OSC links and stray escapes', () => {
    const text = 'a\u001b[2Kb\u001b]8;;http://x\u0007c\u001b]8;;\u0007d\u001b';
    expect(
      parseAnsi(text)
        .map((s) => s.text)
        .join(''),
    ).toBe('abcd');
    expect(stripAnsi(text)).toBe('abcd');
  });
});
