import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordRow } from './RecordRow.js';
import '../styles.css';

function mount(record: LogRecord): HTMLElement {
  const host = document.createElement('ul');
  document.body.append(host);
  render(<RecordRow record={record} />, host);
  return host;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('RecordRow', () => {
  it('shows time, level badge, tag, message and fields as key=value chips', () => {
    const host = mount({
      seq: 7,
      ts: new Date(2026, 0, 2, 3, 4, 5, 6).getTime(),
      level: 'warning',
      msg: 'disk almost full',
      tag: 'io',
      fields: { free_gb: 1.5, mount: '/data' },
    });
    const row = host.querySelector('[data-seq="7"]') as HTMLElement;
    expect(row.querySelector('.time')?.textContent).toBe('03:04:05.006');
    const badge = row.querySelector('.badge') as HTMLElement;
    expect(badge.textContent).toBe('WARNING');
    // Amber in the light theme, a lighter amber in the dark one: never transparent, never the INFO blue.
    expect(getComputedStyle(badge).backgroundColor).toMatch(/^rgb\((217, 119, 6|251, 191, 36)\)$/);
    expect(row.querySelector('.tag')?.textContent).toBe('io');
    expect([...row.querySelectorAll('.chip')].map((chip) => chip.textContent)).toEqual(['free_gb=1.5', 'mount=/data']);
  });

  it('renders markup in log content as text', () => {
    const payload = '<img src=x onerror="window.__pwned=1">';
    const host = mount({ seq: 1, ts: 0, level: 'error', msg: payload, fields: { html: payload } });
    expect(host.querySelector('img')).toBeNull();
    expect(host.querySelector('.msg')?.textContent).toBe(payload);
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });
});
