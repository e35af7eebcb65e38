import type { HubStats } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { AppModel } from '../model/app.js';
import { SessionModel } from '../model/session.js';
import { StatusBar } from './StatusBar.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
let app: AppModel | undefined;

afterEach(() => {
  app?.close();
  render(null, document.body);
  document.body.innerHTML = '';
});

function mount(): { host: HTMLElement; live: SessionModel } {
  const live = new SessionModel();
  app = new AppModel(live, undefined, undefined);
  const host = document.createElement('div');
  document.body.append(host);
  render(<StatusBar app={app} />, host);
  return { host, live };
}

const STATS: HubStats = {
  clients: 1,
  received: 0,
  sent: 0,
  dropped: 0,
  replay: { records: 0, bytes: 0, maxRecords: 1, maxBytes: 1, firstSeq: 0, lastSeq: 0 },
  uptimeMs: 1,
};

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
