import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordRow } from './RecordRow.js';
import '../styles.css';

function mount(record: LogRecord, terms: string[] = []): HTMLElement {
  const host = document.createElement('div');
  host.className = 'list';
  document.body.append(host);
  render(<RecordRow record={record} terms={terms} />, host);
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

  it('shows the source of a record received from another service before its tag, as text', () => {
    const payload = '<b>checkout</b>';
    const host = mount({ seq: 3, ts: 0, level: 'info', msg: 'order placed', source: payload, tag: 'api' });
    const row = host.querySelector('[data-seq="3"]') as HTMLElement;
    expect(row.querySelector('.source')?.textContent).toBe(payload);
    expect(row.querySelector('b')).toBeNull();
    expect([...row.children].map((child) => child.className)).toEqual([
      'time',
      'badge badge-info',
      'source',
      'tag',
      'msg',
    ]);
    expect(mount({ seq: 4, ts: 0, level: 'info', msg: 'own record' }).querySelector('.source')).toBeNull();
  });

  it('gives each level its badge colour', () => {
    const colours = (['debug', 'info', 'error', 'critical'] as const).map((level) => {
      const host = mount({ seq: 1, ts: 0, level, msg: level });
      return getComputedStyle(host.querySelector('.badge') as HTMLElement).backgroundColor;
    });
    expect(colours[0]).not.toBe(colours[1]);
    expect(colours[2]).toBe(colours[3]);
    expect(new Set(colours).size).toBe(3);
  });

  it('renders markup in log content as text', () => {
    const payload = '<img src=x onerror="window.__pwned=1">';
    const host = mount({ seq: 1, ts: 0, level: 'error', msg: payload, fields: { html: payload }, tag: payload });
    expect(host.querySelector('img')).toBeNull();
    expect(host.querySelector('.msg')?.textContent).toBe(payload);
    expect(host.querySelector('.chip-value')?.textContent).toBe(payload);
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it('draws ANSI colours instead of escape codes and marks search matches', () => {
    const host = mount({ seq: 1, ts: 0, level: 'info', msg: 'ok \u001b[31mred FAIL\u001b[0m done' }, ['fail']);
    const msg = host.querySelector('.msg') as HTMLElement;
    expect(msg.textContent).toBe('ok red FAIL done');
    const coloured = msg.querySelector('.ansi') as HTMLElement;
    expect(getComputedStyle(coloured).color).toBe('rgb(205, 49, 49)');
    expect([...msg.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['FAIL']);
  });

  it('draws a divider as a separator with its label', () => {
    const host = mount({ seq: 3, ts: 0, level: 'info', msg: 'phase 2', kind: 'divider' });
    const row = host.querySelector('[data-seq="3"]') as HTMLElement;
    expect(row.classList.contains('divider')).toBe(true);
    expect(row.querySelector('.badge')).toBeNull();
    expect(row.textContent).toBe('phase 2');
  });
});
