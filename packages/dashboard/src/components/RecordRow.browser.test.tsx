import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordRow } from './RecordRow.js';
import '../styles.css';

function mount(
  record: LogRecord,
  terms: string[] = [],
  onFilter?: (key: string, value: unknown, exclude: boolean) => void,
): HTMLElement {
  const host = document.createElement('div');
  host.className = 'list';
  document.body.append(host);
  render(<RecordRow record={record} terms={terms} onFilter={onFilter} />, host);
  return host;
}

afterEach(() => {
  document.body.innerHTML = '';
});

describe('RecordRow', () => {
  it('draws each source as a chip in a colour of its own, the same on every row, and filters for it on a click', () => {
    const filters: unknown[][] = [];
    const host = mount({ seq: 1, ts: 0, level: 'info', msg: 'a', source: 'worker[101]' }, [], (...args) =>
      filters.push(args),
    );
    const again = mount({ seq: 2, ts: 0, level: 'info', msg: 'b', source: 'worker[101]' });
    const other = mount({ seq: 3, ts: 0, level: 'info', msg: 'c', source: 'api[7]' });
    const own = mount({ seq: 4, ts: 0, level: 'info', msg: 'd' });
    const chip = (h: HTMLElement) => h.querySelector('.source') as HTMLElement;
    expect(chip(host).textContent).toBe('worker[101]');
    expect(getComputedStyle(chip(host)).color).toBe(getComputedStyle(chip(again)).color);
    expect(getComputedStyle(chip(host)).backgroundColor).toBe(getComputedStyle(chip(again)).backgroundColor);
    expect(getComputedStyle(chip(host)).color).not.toBe(getComputedStyle(chip(other)).color);
    expect(own.querySelector('.source')).toBeNull();
    chip(host).click();
    chip(host).dispatchEvent(new MouseEvent('click', { bubbles: true, altKey: true }));
    expect(filters).toEqual([
      ['source', 'worker[101]', false],
      ['source', 'worker[101]', true],
    ]);
  });

  it('shows time, level, tag, message and fields as key=value chips', () => {
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
    // The word and a dot in amber (lighter in the dark theme), and a thin amber bar at the row's edge;
    // no block of colour behind the word.
    expect(getComputedStyle(badge).color).toMatch(/^rgb\((217, 119, 6|251, 191, 36)\)$/);
    expect(getComputedStyle(badge).backgroundColor).toBe('rgba(0, 0, 0, 0)');
    expect(getComputedStyle(badge, '::before').backgroundColor).toBe(getComputedStyle(badge).color);
    expect(getComputedStyle(row).boxShadow).toContain(getComputedStyle(badge).color);
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

  it('gives each level its colour', () => {
    const colours = (['debug', 'info', 'error', 'critical'] as const).map((level) => {
      const host = mount({ seq: 1, ts: 0, level, msg: level });
      return getComputedStyle(host.querySelector('.badge') as HTMLElement).color;
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

  it('shows numbers in a short form with the full value on hover', () => {
    const host = mount({
      seq: 1,
      ts: 0,
      level: 'info',
      msg: 'step',
      fields: { lr: 0.00011622614670000002, step: 120 },
    });
    const chips = [...host.querySelectorAll('.chip')] as HTMLElement[];
    expect(chips.map((chip) => chip.textContent)).toEqual(['lr=1.162e-4', 'step=120']);
    expect(chips[0]?.title).toBe('lr=0.00011622614670000002');
  });

  it('filters for the value of a chip on click, and filters it out on Alt-click', async () => {
    const asked: [string, unknown, boolean][] = [];
    const host = mount(
      { seq: 1, ts: 0, level: 'info', msg: 'GET', fields: { status: 503, nested: { a: 1 } } },
      [],
      (key, value, exclude) => asked.push([key, value, exclude]),
    );
    const [status, nested] = [...host.querySelectorAll('.chip')] as HTMLElement[];
    status?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    status?.dispatchEvent(new MouseEvent('click', { bubbles: true, altKey: true }));
    nested?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    expect(asked).toEqual([
      ['status', 503, false],
      ['status', 503, true],
    ]);
    expect(status?.title).toContain('Alt-click: filter it out');
  });
});
