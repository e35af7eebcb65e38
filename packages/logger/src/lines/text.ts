/**
 * Plain text lines as records: the level from a leading or bracketed level
 * word (`ERROR …`, `2024-05-01 12:00:01 [warn] …`, Python's `WARNING:root:…`),
 * ANSI colours kept in the message but looked through for the level.
 */
import type { LevelName } from '@pulselog/shared';
import { LEVEL_WORDS, levelOfWord } from './levels.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences start with ESC.
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * A level word at the start (after up to three tokens holding digits: a
 * date, a time, a pid), bare or in brackets, followed by a space, a colon,
 * a bracket or the end.
 */
const LEADING = new RegExp(
  `^(?:[^\\s]*\\d[^\\s]*\\s+){0,3}?[\\[(<|]?\\s*(${LEVEL_WORDS})\\s*[\\])>|]?(?=[\\s:\\]|]|$)`,
  'i',
);
/** A level word in brackets anywhere near the start: `myapp[123]: [ERROR] …`, `… <warn> …`. */
const BRACKETED = new RegExp(`[\\[(<](${LEVEL_WORDS})[\\])>]`, 'i');
/** How far into a line a bracketed level word is looked for. */
const BRACKET_REACH = 120;

/** `text` without ANSI escape sequences. */
export function stripAnsi(text: string): string {
  return text.includes('\u001b') ? text.replace(ANSI, '') : text;
}

/** The level a plain text line says it has, or `undefined`. */
export function levelOfText(line: string): LevelName | undefined {
  const plain = stripAnsi(line);
  const leading = LEADING.exec(plain);
  if (leading) return levelOfWord(leading[1] as string);
  const bracketed = BRACKETED.exec(plain.length > BRACKET_REACH ? plain.slice(0, BRACKET_REACH) : plain);
  return bracketed ? levelOfWord(bracketed[1] as string) : undefined;
}
