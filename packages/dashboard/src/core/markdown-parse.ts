import type { Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';

/**
 * Parses Markdown (CommonMark with GitHub's tables, strikethrough, task lists
 * and autolinks) into a syntax tree. In a module of its own so the page
 * loads the parser only when it first shows a Markdown message.
 */
export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}
