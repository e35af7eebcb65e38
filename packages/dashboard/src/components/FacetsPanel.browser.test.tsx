import type { LevelName, LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { SessionModel } from '../model/session.js';
import { ViewModel } from '../model/view.js';
import { DetailPanel } from './DetailPanel.js';
import { FacetsPanel } from './FacetsPanel.js';
import '../styles.css';

const LEVELS: LevelName[] = ['info', 'info', 'warning', 'info', 'error'];

function session(): SessionModel {
  const model = new SessionModel();
  const records: LogRecord[] = Array.from({ length: 50 }, (_, i) => ({
    seq: i + 1,
    ts: 1000 + i,
    level: LEVELS[i % 5] as LevelName,
    msg: `GET /items/${i}`,
    fields: { status: i % 10 === 0 ? 503 : 200, method: i % 2 === 0 ? 'GET' : 'PUT', ms: i + 0.5 },
  }));
  model.append(packRecords(records));
  return model;
}

let host: HTMLElement | undefined;
afterEach(() => {
  if (host) render(null, host);
  document.body.innerHTML = '';
});

function mount(view: ViewModel): HTMLElement {
  host = document.createElement('div');
  document.body.append(host);
  render(
    <div style={{ display: 'flex' }}>
      <FacetsPanel view={view} />
      <DetailPanel view={view} />
    </div>,
    host,
  );
  return host;
}

const values = (el: HTMLElement, key: string) =>
  [...el.querySelectorAll(`.facet[data-key="${key}"] .facet-value`)].map((b) => b.textContent);

describe('FacetsPanel', () => {
  it('lists the fields of the records shown with top values, counts and number statistics', async () => {
    const view = new ViewModel(session());
    const el = mount(view);
    await expect.poll(() => values(el, 'status')).toEqual(['20045', '5035']);
    expect(values(el, 'level')).toEqual(['info30', 'warning10', 'error10']);
    expect(values(el, 'method')).toEqual(['GET25', 'PUT25']);
    expect(values(el, 'ms')).toEqual([]);
    expect(el.querySelector('.facet[data-key="ms"] [data-testid="facet-stats"]')?.textContent).toBe(
      'min 0.5median 25.5max 49.5',
    );
    view.close();
  });

  it('filters for a value on click and out on Alt-click or its − button, and follows the filter', async () => {
    const view = new ViewModel(session());
    const el = mount(view);
    await expect.poll(() => values(el, 'status')).toEqual(['20045', '5035']);
    const button = (key: string, text: string) =>
      [...el.querySelectorAll<HTMLButtonElement>(`.facet[data-key="${key}"] .facet-value`)].find((b) =>
        b.textContent?.startsWith(text),
      ) as HTMLButtonElement;
    button('status', '503').click();
    expect(view.filter.value.query).toBe('status=503');
    expect(view.length).toBe(5);
    await expect.poll(() => values(el, 'status')).toEqual(['5035']);
    expect(values(el, 'method')).toEqual(['GET5']);

    view.filter.value = { ...view.filter.value, query: '' };
    await expect.poll(() => values(el, 'method')).toEqual(['GET25', 'PUT25']);
    button('method', 'PUT').dispatchEvent(new MouseEvent('click', { bubbles: true, altKey: true }));
    expect(view.filter.value.query).toBe('-method=PUT');
    expect(view.length).toBe(25);
    (el.querySelector('[aria-label="filter out level=error"]') as HTMLButtonElement | null)?.click();
    await expect.poll(() => view.filter.value.query).toBe('-method=PUT -level=error');
    expect(view.length).toBe(20);
    view.close();
  });

  it('filters for a field of the record in the detail panel', async () => {
    const view = new ViewModel(session());
    const el = mount(view);
    view.select(3);
    view.detailOpen.value = true;
    await expect.poll(() => el.querySelectorAll('.detail .json-pick').length).toBe(3);
    const pick = [...el.querySelectorAll<HTMLButtonElement>('.detail .json-pick')];
    expect(pick.map((b) => b.textContent)).toEqual(['200', '"PUT"', '3.5']);
    pick[1]?.click();
    expect(view.filter.value.query).toBe('method=PUT');
    expect(view.length).toBe(25);
    pick[2]?.dispatchEvent(new MouseEvent('click', { bubbles: true, altKey: true }));
    expect(view.filter.value.query).toBe('method=PUT -ms=3.5');
    expect(view.length).toBe(24);
    view.close();
  });
});
