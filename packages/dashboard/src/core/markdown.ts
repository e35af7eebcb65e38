import type { LogRecord } from '@pulselog/shared';

/**
 * Markdown in messages: a record says its message is Markdown with the field
 * `md: true` (`log.info(text, { md: true })`). The page renders such a
 * message from a parsed tree into elements it makes itself, never from HTML:
 * raw HTML in the text stays text, and a link keeps its target only when it
 * is `http`, `https` or `mailto`.
 */

/** Link targets a rendered message may keep; anything else (`javascript:`, `data:`, relative) is dropped. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/** True when `record`'s message is Markdown. */
export function isMarkdown(record: LogRecord): boolean {
  return record.fields?.md === true;
}

/** `url` when it is an absolute `http`, `https` or `mailto` address, else `undefined`. */
export function safeHref(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url.trim());
    return SAFE_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
