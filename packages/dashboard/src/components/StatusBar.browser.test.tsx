import type { HubStats, OutputStatus } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { AppModel } from '../model/app.js';
import { SessionModel } from '../model/session.js';
import { StatusBar } from './StatusBar.js';
import '../styles.css';

let app: AppModel | undefined;
let host: HTMLElement | undefined;
afterEach(() => {
  if (host) render(null, host);
  app?.close();
  document.body.innerHTML = '';
});

function mount(): { host: HTMLElement; live: SessionModel } {
  const live = new SessionModel();
  app = new AppModel(live, undefined, undefined);
  host = document.createElement('div');
  host.style.width = '1200px';
  document.body.append(host);
  render(<StatusBar app={app} />, host);
  return { host, live };
}

/** The hub's figures, with `more` over a quiet default. */
const stats = (more: Partial<HubStats>): HubStats => ({
  clients: 1,
  received: 0,
  sent: 0,
  dropped: 0,
  replay: { records: 0, bytes: 0, maxRecords: 1, maxBytes: 1, firstSeq: 0, lastSeq: 0 },
  uptimeMs: 1,
  ...more,
});
const STATS = stats({});

function report(live: SessionModel, outputs: OutputStatus[]): void {
  live.apply({ type: 'stats', stats: stats({ outputs }) });
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
const chips = (el: HTMLElement) => [...el.querySelectorAll<HTMLElement>('[data-testid="output"]')];
const counters = { written: 0, failed: 0, dropped: 0, backlog: 0, errors: 0 };
const delivery = { sent: 0, retrying: 0, spooled: 0, rejected: 0, retries: 0 };

describe('StatusBar outputs', () => {
  it('shows each output compact, by state, with every counter and the last error in its tooltip', async () => {
    const { host, live } = mount();
    const error = 'HTTP 503 Service Unavailable from http://collector:4318/v1/logs: upstream connect error';
    report(live, [
      { ...counters, ...delivery, name: 'otlp', written: 2500, sent: 2500 },
      {
        ...counters,
        ...delivery,
        name: 'loki',
        written: 900,
        sent: 400,
        retrying: 500,
        spooled: 500,
        retries: 6,
        lastError: error,
      },
      {
        ...counters,
        ...delivery,
        name: 'splunk',
        written: 50,
        failed: 20,
        rejected: 20,
        errors: 1,
        lastError: 'HTTP 400 Invalid token',
      },
      { ...counters, name: './audit.mjs', written: 12 },
    ]);
    await tick();
    const shown = chips(host);
    expect(shown.map((c) => c.textContent)).toEqual([
      'otlp: 2.5k sent',
      '↻ loki: 400 sent · 500 retrying · 500 spooled · HTTP 503 Service Unavailable from http://collec…',
      '⚠ splunk: 0 sent · 20 failed · HTTP 400 Invalid token',
      './audit.mjs: 12 written',
    ]);
    expect(shown.map((c) => c.dataset.state)).toEqual(['ok', 'retrying', 'losing', 'ok']);
    // Losses are alerts; the rest is quiet.
    expect(shown.map((c) => c.getAttribute('role'))).toEqual([null, null, 'alert', null]);
    const title = shown[1]?.title ?? '';
    expect(title.split('\n')).toEqual([
      'output loki',
      'sent: 400',
      'written: 900',
      'waiting: 0',
      'retrying: 500',
      'spooled: 500',
      'dropped: 0',
      'failed: 0',
      'refused by the backend: 0',
      'retries: 6',
      `last error: ${error}`,
    ]);
    // Compact: a long error is cut in the bar, not left to push the rest off the line.
    expect(shown[1]?.getBoundingClientRect().width).toBeLessThanOrEqual(28 * 16 + 1);
    expect(getComputedStyle(shown[2] as HTMLElement).fontWeight).toBe('600');
  });

  it('follows an output as it recovers: the retry count and the error leave the bar', async () => {
    const { host, live } = mount();
    report(live, [{ ...counters, ...delivery, name: 'otlp', written: 10, retrying: 10, lastError: 'ECONNREFUSED' }]);
    await tick();
    expect(chips(host)[0]?.textContent).toBe('↻ otlp: 0 sent · 10 retrying · ECONNREFUSED');
    report(live, [{ ...counters, ...delivery, name: 'otlp', written: 10, sent: 10, lastError: 'ECONNREFUSED' }]);
    await tick();
    expect(chips(host)[0]?.textContent).toBe('otlp: 10 sent');
    expect(chips(host)[0]?.dataset.state).toBe('ok');
    expect(chips(host)[0]?.title).toContain('last error: ECONNREFUSED');
  });

  it('shows no outputs part when the logger has none', async () => {
    const { host, live } = mount();
    report(live, []);
    await tick();
    expect(host.querySelector('[data-testid="outputs"]')).toBeNull();
  });

  it('draws a control character in an output name as a visible mark', async () => {
    const { host, live } = mount();
    report(live, [{ ...counters, name: 'evil\u202Etxt.exe', written: 1 }]);
    await tick();
    expect(chips(host)[0]?.textContent).toBe('evil⟨U+202E⟩txt.exe: 1 written');
  });
});

describe('StatusBar: the session file', () => {
  it('warns while the session file cannot be written, then of the records it misses', async () => {
    const { host, live } = mount();
    const warning = () => host.querySelector('[data-testid="session-file-failing"]');
    live.apply({ type: 'stats', stats: STATS });
    await tick();
    expect(warning()).toBeNull();
    const path = '/data/.pulselog/sessions/train.ndjson';
    live.apply({
      type: 'stats',
      stats: {
        ...STATS,
        sessionFile: { path, errors: 3, unwritten: 3072, failing: 'ENOSPC: no space left on device' },
      },
    });
    await tick();
    expect(warning()?.textContent).toBe(
      '⚠ session file: cannot write (ENOSPC: no space left on device), 3072 records not in it',
    );
    expect(warning()?.getAttribute('role')).toBe('alert');
    expect(warning()?.getAttribute('title')).toBe(path);
    live.apply({ type: 'stats', stats: { ...STATS, sessionFile: { path, errors: 3, unwritten: 3072 } } });
    await tick();
    expect(warning()?.textContent).toBe(
      '⚠ session file: 3072 records not in it (a disk failure; a gap line marks them)',
    );
  });

  it('warns while checkpoints cannot be saved, and no longer once they can', async () => {
    const { host, live } = mount();
    const warning = () => host.querySelector('[data-testid="checkpoints-failing"]');
    const path = '/data/.pulselog/checkpoints/train/checkpoints.log';
    live.apply({
      type: 'stats',
      stats: { ...STATS, checkpointStore: { path, errors: 2, failing: 'EROFS: read-only file system' } },
    });
    await tick();
    expect(warning()?.textContent).toBe(
      "⚠ checkpoints: cannot save (EROFS: read-only file system); kept in the program's memory only",
    );
    live.apply({ type: 'stats', stats: { ...STATS, checkpointStore: { path, errors: 2 } } });
    await tick();
    expect(warning()).toBeNull();
  });
});

describe('StatusBar sources', () => {
  it('counts the sources: this process, those that joined, connected and gone', async () => {
    const { host, live } = mount();
    live.apply({ type: 'stats', stats: stats({}) });
    await tick();
    // A dashboard nobody joined says nothing of sources.
    expect(host.querySelector('[data-testid="sources"]')).toBeNull();
    live.apply({ type: 'stats', stats: stats({ sources: { connected: 3, joined: 4, gone: 1 } }) });
    await tick();
    expect(host.querySelector('[data-testid="sources"]')?.textContent).toBe(
      '5 sources: this process and 4 joined (3 connected, 1 gone)',
    );
  });
});

describe('StatusBar records', () => {
  const run = (from: number, count: number) =>
    packRecords(Array.from({ length: count }, (_, i) => ({ seq: from + i, ts: from + i, level: 'info', msg: 'm' })));
  const count = (el: HTMLElement) => el.querySelector('[data-testid="record-count"]')?.textContent;

  it('tells the records held of the records received once the oldest leave the tab', async () => {
    const { host, live } = mount();
    app?.keepFrom('?keep=1000');
    live.append(run(1, 1000));
    await expect.poll(() => count(host)).toBe('1000 records');
    live.append(run(1001, 2000));
    await expect.poll(() => count(host)).toBe('1,000 of 3,000 records held; older ones are in the session file');
    expect(host.querySelector('[data-testid="record-count"]')?.getAttribute('title')).toMatch(/newest 1,000 records/);
  });
});
