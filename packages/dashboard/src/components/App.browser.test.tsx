import { deleteDB } from 'idb';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { AppModel } from '../model/app.js';
import { SessionStore } from '../model/persist.js';
import { SessionModel } from '../model/session.js';
import { App } from './App.js';
import '../styles.css';
import { packRecords } from '../core/pack.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
let app: AppModel | undefined;

function mount(store?: SessionStore): { host: HTMLElement; live: SessionModel } {
  const live = new SessionModel();
  app = new AppModel(live, undefined, store);
  const host = document.createElement('div');
  host.style.height = '600px';
  document.body.append(host);
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
  render(null, document.body);
  document.body.innerHTML = '';
  app?.close();
});

describe('App', () => {
  it('shows dropped and missed records as visible warnings, never hidden', async () => {
    const { host, live } = mount();
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
    expect([...host.querySelectorAll('[data-testid="output-failing"]')].map((e) => e.textContent)).toEqual([
      '⚠ output loki: 1024 failed (connect ECONNREFUSED)',
      '⚠ output slow: 300 dropped (too far behind)',
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
    expect(toggles.map((t) => t.getAttribute('aria-pressed'))).toEqual(['true', 'true', 'true', 'true', 'true']);
    expect(host.querySelector('input[type="search"]')?.getAttribute('aria-label')).toBe('search and filter');
    expect([...host.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('aria-selected'))).toEqual([
      'true',
      'false',
      'false',
    ]);
  });
});
