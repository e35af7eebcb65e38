import { render } from 'preact';
import { App } from './components/App.js';
import { filterFromAddress } from './core/address.js';
import { AppModel } from './model/app.js';
import { Connection } from './model/connection.js';
import { SessionStore, type StoredSession } from './model/persist.js';
import { SessionModel } from './model/session.js';
import { takeToken } from './model/token.js';
import './styles.css';

const LIVE_KEY = 'pulselog.liveSession';

async function openStore(): Promise<{ store?: SessionStore; error?: string }> {
  try {
    return { store: await SessionStore.open() };
  } catch (error) {
    return {
      error: `Sessions cannot be kept in this browser: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

async function start(): Promise<void> {
  const root = document.getElementById('app') as HTMLElement;
  const token = takeToken(location, history, sessionStorage);
  const live = new SessionModel('live');
  const { store, error } = await openStore();
  const connection = new Connection(live, token ?? '');
  const app = new AppModel(live, connection, store, filterFromAddress(location));
  if (error) app.notice.value = error;
  app.chart.value = AppModel.chartFrom(location.search);
  app.keepFrom(location.search);
  app.syncUrl(location, history);
  app.prefs.apply(document.documentElement);
  render(<App app={app} />, root);
  // The session this tab showed before a reload comes back from storage first (drawn as it
  // loads), so the server is asked only for what is newer.
  let loaded: StoredSession | undefined;
  const lastId = (() => {
    try {
      return localStorage.getItem(LIVE_KEY) ?? undefined;
    } catch {
      return undefined;
    }
  })();
  if (store && lastId) loaded = await store.load(lastId, live);
  if (store) {
    recordLive(store, live, loaded);
    connection.storeIn(store);
  }
  if (live.ended.value) connection.state.value = 'ended';
  if (token) connection.start();
  else connection.state.value = 'unauthorized';
}

function recordLive(store: SessionStore, live: SessionModel, loaded: StoredSession | undefined): void {
  store.record(live, loaded);
  live.listen((_records, message) => {
    if (message?.type !== 'hello') return;
    try {
      localStorage.setItem(LIVE_KEY, message.session.id);
    } catch {
      // Without local storage a reload starts from the server's replay buffer.
    }
  });
}

void start();
