import { LEVEL_NAMES } from '@pulselog/shared';
import { formatBytes, formatDateTime, formatDuration, LEVEL_LABEL } from '../core/text.js';
import type { AppModel } from '../model/app.js';
import { SafeText } from './SafeText.js';

/** How many records a tab holds, the oldest evicted past it. */
function KeepSetting({ app }: { app: AppModel }) {
  return (
    <div class="budget">
      <label>
        Records held in this tab{' '}
        <input
          type="number"
          min={1000}
          step={1000}
          value={app.keep.value}
          data-testid="keep"
          onChange={(event) => app.setKeep(Number(event.currentTarget.value))}
        />
      </label>
      <span>
        the oldest leave the tab past it (they stay in the session file); about 250 bytes of the tab's memory each.
      </span>
    </div>
  );
}

/** Past sessions kept in the browser: reopen, delete, the storage budget, and the records a tab holds. */
export function SessionsView({ app }: { app: AppModel }) {
  const store = app.store;
  if (!store) {
    return (
      <section class="sessions" aria-label="sessions">
        <KeepSetting app={app} />
        <p class="warning-text">This browser does not let the page store sessions; only the live one is shown.</p>
      </section>
    );
  }
  const sessions = store.sessions.value;
  const liveId = app.live.info.value?.id;
  const shownId = app.shown.value.info.value?.id;
  const total = sessions.reduce((sum, s) => sum + s.bytes, 0);
  return (
    <section class="sessions" aria-label="sessions">
      <KeepSetting app={app} />
      <div class="budget">
        <label>
          Storage budget (MB){' '}
          <input
            type="number"
            min={1}
            value={store.budgetMb.value}
            data-testid="budget"
            onChange={(event) => void store.setBudget(Number(event.currentTarget.value), liveId)}
          />
        </label>
        <span>
          {formatBytes(total)} used by {sessions.length} sessions; the oldest go first when the budget is reached.
        </span>
      </div>
      <table class="session-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Started</th>
            <th scope="col">Duration</th>
            {LEVEL_NAMES.map((l) => (
              <th scope="col" key={l}>
                {LEVEL_LABEL[l]}
              </th>
            ))}
            <th scope="col">Ended</th>
            <th scope="col">
              <span class="visually-hidden">actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => (
            <tr key={s.id} data-testid="session-row" data-id={s.id} class={s.id === shownId ? 'current' : ''}>
              <td>
                <SafeText text={s.info.name} />
                {s.id === liveId ? <span class="pill">live</span> : null}
                {s.source === 'imported' ? <span class="pill">imported</span> : null}
              </td>
              <td>{formatDateTime(s.info.startedAt)}</td>
              <td>{formatDuration((s.end?.at ?? s.lastTs ?? s.info.startedAt) - s.info.startedAt)}</td>
              {LEVEL_NAMES.map((l) => (
                <td key={l} class="num">
                  {s.counts[l] ?? 0}
                </td>
              ))}
              <td>{s.end ? s.end.reason : '–'}</td>
              <td class="actions">
                <button type="button" onClick={() => void app.open(s.id)}>
                  Open
                </button>
                <button
                  type="button"
                  disabled={s.id === liveId}
                  aria-label={`delete session ${s.info.name}`}
                  onClick={() => void store.delete(s.id)}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {sessions.length === 0 ? <p>No stored sessions yet.</p> : null}
    </section>
  );
}
