import { useEffect, useState } from 'preact/hooks';
import { formatDateTime } from '../core/text.js';
import type { AppModel, Tab } from '../model/app.js';
import { CheckpointsView } from './CheckpointsView.js';
import { ContextBar } from './ContextBar.js';
import { DetailPanel } from './DetailPanel.js';
import { FacetsPanel } from './FacetsPanel.js';
import { FieldChart } from './FieldChart.js';
import { bindKeys } from './keyboard.js';
import { RecordList } from './RecordList.js';
import { SessionsView } from './SessionsView.js';
import { StatusBar } from './StatusBar.js';
import { Timeline } from './Timeline.js';
import { Toolbar } from './Toolbar.js';

function endText(app: AppModel): string | undefined {
  const end = app.shown.value.ended.value;
  if (!end) return undefined;
  const how =
    end.reason === 'signal'
      ? `was stopped by ${end.signal ?? 'a signal'}`
      : end.reason === 'uncaught'
        ? 'crashed'
        : end.reason === 'shutdown'
          ? 'ended its session'
          : 'exited';
  const code = end.code !== undefined ? ` with code ${end.code}` : '';
  return `The program ${how}${code} at ${formatDateTime(end.at)}. Its session stays here.`;
}

const TABS: { id: Tab; label: string }[] = [
  { id: 'logs', label: 'Logs' },
  { id: 'checkpoints', label: 'Checkpoints' },
  { id: 'sessions', label: 'Sessions' },
];

/** The dashboard page. */
export function App({ app }: { app: AppModel }) {
  const [dragging, setDragging] = useState(false);
  useEffect(() => bindKeys(app), [app]);
  // Files dropped anywhere on the page are imported.
  useEffect(() => {
    const over = (event: DragEvent) => {
      event.preventDefault();
      setDragging(true);
    };
    const leave = () => setDragging(false);
    const drop = (event: DragEvent) => {
      event.preventDefault();
      setDragging(false);
      const file = event.dataTransfer?.files[0];
      if (file) void app.importFile(file);
    };
    addEventListener('dragover', over);
    addEventListener('dragleave', leave);
    addEventListener('drop', drop);
    return () => {
      removeEventListener('dragover', over);
      removeEventListener('dragleave', leave);
      removeEventListener('drop', drop);
    };
  }, [app]);
  const view = app.view.value;
  const tab = app.tab.value;
  const ended = endText(app);
  const storeError = app.store?.error.value;
  const notice = app.notice.value;
  const checkpointCount = app.shown.value.checkpoints.value.size;
  return (
    <div class={`app${dragging ? ' dragging' : ''}`}>
      <StatusBar app={app} />
      {ended ? (
        <div class="banner banner-ended" role="status" data-testid="ended">
          {ended}
        </div>
      ) : null}
      {storeError ? (
        <div class="banner banner-error" role="alert" data-testid="storage-error">
          {storeError}
        </div>
      ) : null}
      {notice ? (
        <div class="banner" role="status" data-testid="notice">
          {notice}
          <button type="button" class="link" onClick={() => (app.notice.value = undefined)}>
            dismiss
          </button>
        </div>
      ) : null}
      <div class="tabs" role="tablist" aria-label="views">
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls="panel"
            onClick={() => {
              app.tab.value = t.id;
              if (t.id === 'sessions') void app.store?.refresh();
            }}
          >
            {t.label}
            {t.id === 'checkpoints' && checkpointCount > 0 ? ` (${checkpointCount})` : ''}
          </button>
        ))}
      </div>
      <main>
        <div id="panel" class="panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
          {tab === 'logs' ? (
            <div class="logs">
              <Toolbar app={app} />
              <Timeline view={view} />
              {app.chart.value.fields.length > 0 ? <FieldChart app={app} /> : null}
              <ContextBar view={view} />
              <div class="logs-body">
                {app.prefs.facets.value ? <FacetsPanel view={view} onChart={(key) => app.chartField(key)} /> : null}
                <RecordList view={view} wrap={app.prefs.wrap.value} />
                <DetailPanel view={view} />
              </div>
            </div>
          ) : tab === 'checkpoints' ? (
            <CheckpointsView
              session={app.shown.value}
              load={app.shown.value === app.live ? app.checkpointData : undefined}
            />
          ) : (
            <SessionsView app={app} />
          )}
        </div>
      </main>
    </div>
  );
}
