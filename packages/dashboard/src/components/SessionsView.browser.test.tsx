import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { packRecords } from '../core/pack.js';
import { AppModel } from '../model/app.js';
import { DEFAULT_LIMIT, SessionModel } from '../model/session.js';
import { SessionsView } from './SessionsView.js';

let app: AppModel | undefined;
let host: HTMLElement | undefined;
afterEach(() => {
  if (host) render(null, host);
  app?.close();
  document.body.innerHTML = '';
});

describe('SessionsView', () => {
  it('sets the records a tab holds, evicting the oldest of the live session at once', async () => {
    const live = new SessionModel();
    live.append(
      packRecords(Array.from({ length: 5000 }, (_, i) => ({ seq: i + 1, ts: i, level: 'info' as const, msg: 'm' }))),
    );
    app = new AppModel(live, undefined, undefined);
    host = document.createElement('div');
    document.body.append(host);
    render(<SessionsView app={app} />, host);
    const input = host.querySelector<HTMLInputElement>('[data-testid="keep"]');
    expect(input?.value).toBe(String(DEFAULT_LIMIT));
    if (!input) throw new Error('no setting');
    input.value = '2000';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    expect(live.limit).toBe(2000);
    expect(live.size).toBe(2000);
    expect(live.record(0)?.seq).toBe(3001);
    // Fewer than a tab can hold is raised to the least it holds.
    input.value = '10';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await expect.poll(() => input.value).toBe('1000');
    expect(live.size).toBe(1000);
  });
});
