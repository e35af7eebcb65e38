import type { Connection } from '../model/connection.js';
import type { SessionModel } from '../model/session.js';

const STATE_LABEL = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  ended: 'ended',
  unauthorized: 'access refused: open the URL the logger printed',
} as const;

/** Session name, connection state and counters; drops are never hidden. */
export function StatusBar({ model, connection }: { model: SessionModel; connection: Connection }) {
  const info = model.info.value;
  const stats = model.stats.value;
  const state = connection.state.value;
  const counts = model.counts.value;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const dropped = stats?.dropped ?? 0;
  return (
    <header class="status">
      <strong class="session-name">{info ? info.name : 'pulselog'}</strong>
      <span class={`state state-${state}`} role="status" aria-live="polite" data-state={state}>
        {STATE_LABEL[state]}
      </span>
      <span class="count" data-testid="record-count">
        {total} records
      </span>
      {dropped > 0 ? <span class="dropped">{dropped} dropped</span> : null}
      {stats ? <span class="clients">{stats.clients} tabs</span> : null}
    </header>
  );
}
