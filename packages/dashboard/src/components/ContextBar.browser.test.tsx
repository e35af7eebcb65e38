import type { LogRecord } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { packRecords } from '../core/pack.js';
import { AppModel } from '../model/app.js';
import { SessionModel } from '../model/session.js';
import { App } from './App.js';
import '../styles.css';

let app: AppModel | undefined;
let host: HTMLElement | undefined;
afterEach(() => {
  if (host) render(null, host);
  app?.close();
  document.body.innerHTML = '';
});

/** Two sources interleaved: web requests, one failing, and a worker's jobs. */
function mount(): { app: AppModel; host: HTMLElement } {
  const live = new SessionModel();
  const records: LogRecord[] = [];
  for (let i = 0; i < 300; i++) {
    const web = i % 2 === 0;
    records.push({
      seq: i + 1,
      ts: 1_000_000 + i,
      level: i === 150 ? 'error' : 'info',
      msg: web ? `GET /items/${i}` : `job ${i}`,
      tag: web ? 'web' : 'worker',
      fields: { status: i === 150 ? 500 : 200 },
    });
  }
  live.append(packRecords(records));
  app = new AppModel(live, undefined, undefined);
  app.prefs.facets.value = false;
  host = document.createElement('div');
  host.style.height = '600px';
  document.body.append(host);
  render(<App app={app} />, host);
  return { app, host };
}

const shown = (el: HTMLElement) => el.querySelector('[data-testid="shown-count"]')?.textContent;
const seqs = (el: HTMLElement) =>
  [...el.querySelectorAll('[data-testid="record-list"] [data-seq]')]
    .map((row) => Number(row.getAttribute('data-seq')))
    .sort((a, b) => a - b);

describe('record context', () => {
  it('shows the records around a filtered record in its source, and goes back', async () => {
    const { app, host } = mount();
    const view = app.view.value;
    view.filter.value = { ...view.filter.value, query: 'status>=500' };
    await expect.poll(() => shown(host)).toBe('1 shown');
    (host.querySelector('[data-seq="151"]') as HTMLElement).click();
    await expect.poll(() => host.querySelector('[data-testid="show-context"]')).not.toBeNull();
    (host.querySelector('[data-testid="show-context"]') as HTMLButtonElement).click();

    // Every web record, the failing one selected in the middle of the list with its neighbours.
    await expect.poll(() => shown(host)).toBe('150 shown');
    expect(host.querySelector('[data-testid="context-bar"]')?.textContent).toContain(
      'Context of record #151: every record of web.',
    );
    await expect.poll(() => seqs(host)).toContain(141);
    expect(seqs(host)).toContain(161);
    expect(seqs(host).every((s) => s % 2 === 1)).toBe(true);
    expect(host.querySelector('[aria-selected="true"][data-seq]')?.getAttribute('data-seq')).toBe('151');

    (host.querySelector('[data-testid="leave-context"]') as HTMLButtonElement).click();
    await expect.poll(() => shown(host)).toBe('1 shown');
    expect(view.filter.value.query).toBe('status>=500');
    expect(host.querySelector('[data-testid="context-bar"]')).toBeNull();
    expect(view.selected.value).toBe(151);
  });

  it('goes into a context and back with the c key', async () => {
    const { app, host } = mount();
    const view = app.view.value;
    view.filter.value = { ...view.filter.value, query: '"job 77"' };
    await expect.poll(() => shown(host)).toBe('1 shown');
    view.select(0);
    await userEvent.keyboard('c');
    await expect.poll(() => shown(host)).toBe('150 shown');
    await userEvent.keyboard('c');
    await expect.poll(() => shown(host)).toBe('1 shown');
  });
});
