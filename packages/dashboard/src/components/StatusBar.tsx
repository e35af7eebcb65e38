import type { AppModel } from '../model/app.js';
import { OutputsStatus } from './OutputsStatus.js';
import { SafeText } from './SafeText.js';

const STATE_LABEL = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  ended: 'ended',
  unauthorized: 'access refused: open the URL the logger printed',
} as const;

/** What the state label adds while the page tries to reach a server that is gone. */
function waitingNote(state: string, attempt: number): string {
  if (attempt === 0) return '';
  if (state === 'ended') return ' · waiting for the next run';
  if (state === 'reconnecting') return ` (attempt ${attempt})`;
  if (state === 'unauthorized') return ' · retrying';
  return '';
}

/** Session name, connection state and counters; drops are never hidden. */
export function StatusBar({ app }: { app: AppModel }) {
  const session = app.shown.value;
  const isLive = session === app.live;
  const info = session.info.value;
  const stats = isLive ? app.live.stats.value : undefined;
  const state = app.connection?.state.value ?? 'ended';
  const attempt = app.connection?.attempt.value ?? 0;
  // Read for the redraw it brings; the count is every record held, dividers too, as "shown" counts them.
  session.counts.value;
  const total = session.size;
  const received = session.received;
  const gaps = session.gaps.value;
  const dropped = Math.max(
    stats?.dropped ?? 0,
    gaps.filter((g) => g.reason === 'dropped').reduce((sum, g) => sum + g.count, 0),
  );
  const evicted = gaps.filter((g) => g.reason === 'evicted').reduce((sum, g) => sum + g.count, 0);
  const skipped = Math.max(
    stats?.skipped ?? 0,
    gaps.filter((g) => g.reason === 'skipped').reduce((sum, g) => sum + g.count, 0),
  );
  return (
    <header class="status">
      <strong class="session-name">
        <SafeText text={info ? info.name : 'pulselog'} />
      </strong>
      {isLive ? (
        <span class={`state state-${state}`} role="status" aria-live="polite" data-state={state}>
          {STATE_LABEL[state]}
          {waitingNote(state, attempt)}
        </span>
      ) : (
        <span class="state state-ended" data-state={session.source}>
          {session.source === 'imported' ? 'imported' : 'stored'}
          <button type="button" class="link" onClick={() => app.showLive()}>
            back to live
          </button>
        </span>
      )}
      {received > total ? (
        <span
          class="count"
          data-testid="record-count"
          data-held={total}
          data-received={received}
          title={`This tab holds the newest ${session.limit.toLocaleString('en')} records at most (?keep=N in the address, or the Sessions view); the level counts, facets, search and export cover the records held.`}
        >
          {total.toLocaleString('en')} of {received.toLocaleString('en')} records held; older ones are in the{' '}
          {session.source === 'imported' ? 'imported file' : 'session file'}
        </span>
      ) : (
        <span class="count" data-testid="record-count" data-held={total} data-received={received}>
          {total} records
        </span>
      )}
      {dropped > 0 ? (
        <span class="dropped" role="alert" data-testid="dropped">
          ⚠ {dropped} dropped
        </span>
      ) : null}
      {evicted > 0 ? (
        <span class="dropped" role="alert" data-testid="evicted">
          ⚠ {evicted} missed (left the replay buffer)
        </span>
      ) : null}
      {skipped > 0 ? (
        <span class="dropped" role="alert" data-testid="skipped">
          ⚠ {skipped} not shown (the dashboard fell behind; they are in the session file)
        </span>
      ) : null}
      {stats?.sessionFile !== undefined &&
      (stats.sessionFile.failing !== undefined || stats.sessionFile.unwritten > 0) ? (
        <span class="dropped" role="alert" data-testid="session-file-failing" title={stats.sessionFile.path}>
          ⚠ session file:{' '}
          {stats.sessionFile.failing !== undefined
            ? `cannot write (${stats.sessionFile.failing}), ${stats.sessionFile.unwritten} records not in it`
            : `${stats.sessionFile.unwritten} records not in it (a disk failure; a gap line marks them)`}
        </span>
      ) : null}
      {stats?.checkpointStore?.failing !== undefined ? (
        <span class="dropped" role="alert" data-testid="checkpoints-failing" title={stats.checkpointStore.path}>
          ⚠ checkpoints: cannot save ({stats.checkpointStore.failing}); kept in the program's memory only
        </span>
      ) : null}
      <OutputsStatus outputs={stats?.outputs ?? []} />
      {stats?.sources && stats.sources.joined > 0 ? (
        <span
          class="sources"
          data-testid="sources"
          title="Loggers of other threads and processes (workers, children, scripts of the project) that send their records to this dashboard"
        >
          {stats.sources.joined + 1} sources: this process and {stats.sources.joined} joined ({stats.sources.connected}{' '}
          connected, {stats.sources.gone} gone)
        </span>
      ) : null}
      {isLive && state === 'live' ? <span class="rate">{app.rate.value}/s</span> : null}
      {stats && state === 'live' ? (
        <span class="clients">
          {stats.clients} {stats.clients === 1 ? 'client' : 'clients'}
        </span>
      ) : null}
    </header>
  );
}
