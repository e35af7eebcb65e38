import { describe, expect, it } from 'vitest';
import { isMarkdown, safeHref } from './markdown.js';

describe('safeHref', () => {
  it('keeps http, https and mailto addresses', () => {
    expect(safeHref('https://example.com/a?b=1')).toBe('https://example.com/a?b=1');
    expect(safeHref(' http://example.com ')).toBe('http://example.com/');
    expect(safeHref('mailto:ops@example.com')).toBe('mailto:ops@example.com');
  });

  it('drops every other scheme, however it is spelt, and relative addresses', () => {
    for (const url of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:x',
      'file:///etc/passwd',
      '/relative',
      '#top',
      '',
      undefined,
    ]) {
      expect(safeHref(url)).toBeUndefined();
    }
  });
});

describe('isMarkdown', () => {
  it('is true only for a record that says so with md: true', () => {
    expect(isMarkdown({ seq: 1, ts: 0, level: 'info', msg: '# x', fields: { md: true } })).toBe(true);
    expect(isMarkdown({ seq: 1, ts: 0, level: 'info', msg: '# x', fields: { md: 'yes' } })).toBe(false);
    expect(isMarkdown({ seq: 1, ts: 0, level: 'info', msg: '# x' })).toBe(false);
  });
});
