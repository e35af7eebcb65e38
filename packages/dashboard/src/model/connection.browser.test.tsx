import { render } from 'preact';
import { afterEach, describe, expect, it } from 'vitest';
import { StatusBar } from '../components/StatusBar.js';
import { AppModel } from './app.js';
import { Connection } from './connection.js';
import { SessionModel } from './session.js';

/** A loopback address where no server listens: every attempt is refused at once. */
const NOWHERE = 'ws://127.0.0.1:9/ws';

let connection: Connection | undefined;
let app: AppModel | undefined;

afterEach(() => {
  connection?.stop();
  app?.close();
  render(null, document.body);
  document.body.innerHTML = '';
});

describe('Connection', () => {
  it('keeps retrying while no server answers, numbering each attempt', async () => {
    const asked: number[] = [];
    connection = new Connection(new SessionModel(), 'token', NOWHERE, (attempt) => {
      asked.push(attempt);
      return 5;
    });
    connection.start();
    await expect.poll(() => connection?.attempt.value, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
    expect(connection.state.value).toBe('reconnecting');
    expect(asked.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps waiting for the next run after the session ended', async () => {
    connection = new Connection(new SessionModel(), 'token', NOWHERE, () => 5);
    connection.state.value = 'ended';
    connection.start();
    await expect.poll(() => connection?.attempt.value, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    expect(connection.state.value).toBe('ended');
  });

  it('stops retrying once stopped', async () => {
    connection = new Connection(new SessionModel(), 'token', NOWHERE, () => 5);
    connection.start();
    await expect.poll(() => connection?.attempt.value, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    connection.stop();
    const stoppedAt = connection.attempt.value;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connection.attempt.value).toBeLessThanOrEqual(stoppedAt + 1);
  });
});

describe('StatusBar while the server is gone', () => {
  function mount(): HTMLElement {
    const live = new SessionModel();
    connection = new Connection(live, 'token', NOWHERE);
    app = new AppModel(live, connection, undefined);
    const host = document.createElement('div');
    document.body.append(host);
    render(<StatusBar app={app} />, host);
    return host;
  }
  const stateText = (host: HTMLElement) => host.querySelector('[data-state]')?.textContent;
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it('shows how many attempts reconnecting has taken', async () => {
    const host = mount();
    if (!connection) throw new Error('not mounted');
    connection.state.value = 'reconnecting';
    connection.attempt.value = 12;
    await settle();
    expect(stateText(host)).toBe('reconnecting… (attempt 12)');
  });

  it('says an ended session waits for the next run', async () => {
    const host = mount();
    if (!connection) throw new Error('not mounted');
    connection.state.value = 'ended';
    await settle();
    expect(stateText(host)).toBe('ended');
    connection.attempt.value = 3;
    await settle();
    expect(stateText(host)).toBe('ended · waiting for the next run');
  });
});
