import { deleteDB } from 'idb';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { AppModel } from '../model/app.js';
import { Connection } from '../model/connection.js';
import { SessionStore } from '../model/persist.js';
import { SessionModel } from '../model/session.js';
import { App } from './App.js';
import '../styles.css';
import { packRecords } from '../core/pack.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
let app: AppModel | undefined;
let mounted: HTMLElement | undefined;

function mount(store?: SessionStore, connection?: Connection): { host: HTMLElement; live: SessionModel } {
  const live = new SessionModel();
  app = new AppModel(live, connection, store);
  const host = document.createElement('div');
  host.style.height = '600px';
  document.body.append(host);
  mounted = host;
  render(<App app={app} />, host);
  live.apply({
    type: 'hello',
    protocol: 1,
    lastSeq: 0,
    session: {
      id: 'a',
      name: 'train',
      pid: 1,
      host: 'h',
      startedAt: 0,
      versions: { pulselog: '', node: '', protocol: 1 },
    },
  });
  return { host, live };
}

afterEach(() => {
  // Unmounted, so its keys are unbound before the next test's page takes them.
  if (mounted) render(null, mounted);
  render(null, document.body);
  document.body.innerHTML = '';
  app?.close();
  app?.connection?.stop();
});

const text = (host: HTMLElement, id: string) => host.querySelector(`[data-testid="${id}"]`)?.textContent;

describe('App', () => {
  it('shows dropped and missed records as visible warnings, never hidden', async () => {
    const connection = new Connection(new SessionModel(), 'token', 'ws://127.0.0.1:9/ws', () => 60_000);
    connection.state.value = 'live';
    const { host, live } = mount(undefined, connection);
    live.append(packRecords([{ seq: 1, ts: 1, level: 'info', msg: 'a' }]));
    live.apply({ type: 'gap', from: 2, to: 9, reason: 'dropped', count: 5 });
    live.apply({ type: 'gap', from: 10, to: 19, reason: 'evicted', count: 10 });
    live.apply({ type: 'gap', from: 20, to: 29, reason: 'skipped', count: 10 });
    live.apply({ type: 'gap', from: 30, to: 31, reason: 'skipped', count: 2 });
    await tick();
    expect(host.querySelector('[data-testid="dropped"]')?.textContent).toBe('⚠ 5 dropped');
    expect(host.querySelector('[data-testid="dropped"]')?.getAttribute('role')).toBe('alert');
    expect(host.querySelector('[data-testid="evicted"]')?.textContent).toBe('⚠ 10 missed (left the replay buffer)');
    expect(host.querySelector('[data-testid="skipped"]')?.textContent).toBe(
      '⚠ 12 not shown (the dashboard fell behind; they are in the session file)',
    );
    live.apply({
      type: 'stats',
      stats: {
        clients: 2,
        received: 30,
        sent: 30,
        dropped: 7,
        replay: { records: 0, bytes: 0, maxRecords: 1, maxBytes: 1, firstSeq: 0, lastSeq: 0 },
        uptimeMs: 1,
      },
    });
    await tick();
    expect(host.querySelector('[data-testid="dropped"]')?.textContent).toBe('⚠ 7 dropped');
    expect(host.querySelector('.clients')?.textContent).toBe('2 clients');
  });

  it('shows an output that fails or falls behind, with its last error, and not one that works', async () => {
    const { host, live } = mount();
    const output = { written: 0, failed: 0, dropped: 0, backlog: 0, errors: 0 };
    live.apply({
      type: 'stats',
      stats: {
        clients: 1,
        received: 0,
        sent: 0,
        dropped: 0,
        replay: { records: 0, bytes: 0, maxRecords: 1, maxBytes: 1, firstSeq: 0, lastSeq: 0 },
        uptimeMs: 1,
        outputs: [
          { ...output, name: 'fine', written: 500 },
          { ...output, name: 'loki', failed: 1024, errors: 1, lastError: 'connect ECONNREFUSED' },
          { ...output, name: 'slow', written: 10, dropped: 300 },
        ],
      },
    });
    await tick();
    const losing = [...host.querySelectorAll('[data-testid="output"][role="alert"]')];
    expect(losing.map((e) => e.textContent)).toEqual([
      '⚠ loki: 0 written · 1024 failed · connect ECONNREFUSED',
      '⚠ slow: 10 written · 300 dropped',
    ]);
  });

  it('shows a storage failure as a message and keeps the page working', async () => {
    const name = `pulselog-app-test-${Date.now()}`;
    const store = await SessionStore.open(name);
    (store as unknown as { db: { close(): void } }).db.close();
    const { host, live } = mount(store);
    store.record(live);
    live.append(packRecords([{ seq: 1, ts: 1, level: 'warning', msg: 'still shown' }]));
    for (let i = 0; i < 40 && !host.querySelector('[data-testid="storage-error"]'); i++) await tick();
    expect(host.querySelector('[data-testid="storage-error"]')?.textContent).toMatch(/^Could not save the session/);
    expect(host.querySelector('[data-seq="1"] .msg')?.textContent).toBe('still shown');
    await deleteDB(name);
  });

  it('labels the list, the toggles and the tabs for assistive technology', async () => {
    const { host } = mount();
    await tick();
    expect(host.querySelector('[role="listbox"]')?.getAttribute('aria-label')).toBe('log records, 0 shown');
    expect(host.querySelector('[role="listbox"]')?.getAttribute('tabindex')).toBe('0');
    const toggles = [...host.querySelectorAll('.levels button')];
    expect(toggles.map((t) => t.getAttribute('aria-pressed'))).toEqual([
      'true',
      'true',
      'true',
      'true',
      'true',
      'true',
    ]);
    expect(host.querySelector('input[type="search"]')?.getAttribute('aria-label')).toBe('search and filter');
    expect([...host.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('aria-selected'))).toEqual([
      'true',
      'false',
      'false',
    ]);
  });

  it('empties the filter along with the box on Escape in an ended session', async () => {
    const { host, live } = mount();
    live.append(
      packRecords([
        { seq: 1, ts: 1, level: 'info', msg: 'alpha' },
        { seq: 2, ts: 2, level: 'info', msg: 'beta' },
      ]),
    );
    live.apply({ type: 'end', at: 3, reason: 'exit', code: 0, lastSeq: 2 });
    await tick();
    const box = host.querySelector('#search') as HTMLInputElement;
    await userEvent.type(box, 'alpha');
    await expect.poll(() => text(host, 'shown-count')).toBe('1 shown');
    await userEvent.keyboard('{Escape}');
    await expect.poll(() => text(host, 'shown-count')).toBe('2 shown');
    expect(box.value).toBe('');
    expect(app?.view.value.filter.value.query).toBe('');
    // A second Escape leaves the box.
    await userEvent.keyboard('{Escape}');
    expect(document.activeElement).not.toBe(box);
  });

  it('counts dividers in the header as the list counts them', async () => {
    const { host, live } = mount();
    live.append(
      packRecords([
        { seq: 1, ts: 1, level: 'info', msg: 'epoch 1', kind: 'divider' },
        { seq: 2, ts: 2, level: 'info', msg: 'step' },
        { seq: 3, ts: 3, level: 'error', msg: 'failed' },
      ]),
    );
    await expect.poll(() => text(host, 'record-count')).toBe('3 records');
    expect(text(host, 'shown-count')).toBe('3 shown');
  });

  it('says an empty session is empty rather than that nothing matches', async () => {
    const { host, live } = mount();
    await tick();
    expect(text(host, 'empty')).toBe('No records in this session yet.');
    live.append(packRecords([{ seq: 1, ts: 1, level: 'info', msg: 'one' }]));
    await tick();
    await userEvent.type(host.querySelector('#search') as HTMLInputElement, 'nothing like it');
    await expect.poll(() => text(host, 'empty')).toBe('No records match.');
  });

  it('does not count clients once the connection is gone', async () => {
    const connection = new Connection(new SessionModel(), 'token', 'ws://127.0.0.1:9/ws', () => 60_000);
    const { host, live } = mount(undefined, connection);
    connection.state.value = 'live';
    live.apply({
      type: 'stats',
      stats: {
        clients: 1,
        received: 0,
        sent: 0,
        dropped: 0,
        replay: { records: 0, bytes: 0, maxRecords: 1, maxBytes: 1, firstSeq: 0, lastSeq: 0 },
        uptimeMs: 1,
      },
    });
    await tick();
    expect(host.querySelector('.clients')?.textContent).toBe('1 client');
    connection.state.value = 'reconnecting';
    await tick();
    expect(host.querySelector('.clients')).toBeNull();
  });

  it('switches between the system theme, light and dark, and wraps long messages on demand', async () => {
    const { host, live } = mount();
    const dispose = app?.prefs.apply(document.documentElement);
    live.append(packRecords([{ seq: 1, ts: 1, level: 'info', msg: `long ${'words '.repeat(80)}end` }]));
    await tick();
    const theme = host.querySelector('[data-testid="theme"]') as HTMLButtonElement;
    expect(theme.textContent).toBe('Theme: system');
    theme.click();
    await tick();
    expect(document.documentElement.dataset.theme).toBe('light');
    expect(getComputedStyle(document.body).backgroundColor).toBe('rgb(255, 255, 255)');
    theme.click();
    await tick();
    expect(theme.textContent).toBe('Theme: dark');
    expect(getComputedStyle(document.body).backgroundColor).toBe('rgb(15, 20, 25)');
    theme.click();
    await tick();
    expect(document.documentElement.dataset.theme).toBeUndefined();

    const row = () => host.querySelector('[data-seq="1"]') as HTMLElement;
    const msg = () => row().querySelector('.msg') as HTMLElement;
    expect(row().getBoundingClientRect().height).toBe(24);
    // Cut with an ellipsis on one line.
    expect(getComputedStyle(msg()).textOverflow).toBe('ellipsis');
    expect(msg().scrollWidth).toBeGreaterThan(msg().clientWidth);
    (host.querySelector('[data-testid="wrap"]') as HTMLButtonElement).click();
    await tick();
    expect(row().getBoundingClientRect().height).toBe(58);
    expect(msg().getBoundingClientRect().height).toBeGreaterThan(30);
    dispose?.();
    delete document.documentElement.dataset.theme;
    localStorage.removeItem('pulselog.prefs');
  });
});
