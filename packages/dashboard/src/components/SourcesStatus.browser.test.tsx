import type { HubStats } from '@pulselog/shared';
import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { AppModel } from '../model/app.js';
import { SessionModel } from '../model/session.js';
import { StatusBar } from './StatusBar.js';
import '../styles.css';

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));
let app: AppModel | undefined;

const stats = (more: Partial<HubStats>): HubStats => ({
  clients: 1,
  received: 0,
  sent: 0,
  dropped: 0,
  replay: { records: 0, bytes: 0, maxRecords: 1, maxBytes: 1, firstSeq: 0, lastSeq: 0 },
  uptimeMs: 1,
  ...more,
});

afterEach(() => {
  render(null, document.body);
  document.body.innerHTML = '';
  app?.close();
});

describe('StatusBar sources', () => {
  it('counts the sources: this process, those that joined, connected and gone', async () => {
    const live = new SessionModel();
    app = new AppModel(live, undefined, undefined);
    const host = document.createElement('div');
    document.body.append(host);
    render(<StatusBar app={app} />, host);
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
