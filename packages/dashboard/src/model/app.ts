import { batch, effect, signal } from '@preact/signals';
import { ALL, type FilterState } from '@pulselog/shared/query';
import { filterToAddress } from '../core/address.js';
import { type ChartSpec, chartFromParams, chartToParams, NO_CHART } from '../core/chart.js';

import { packRecords } from '../core/pack.js';
import { exportJson, importSession, type SessionExport } from '../core/transfer.js';
import { checkpointDataLoader, type LoadCheckpointData } from './checkpoint-data.js';
import type { Connection } from './connection.js';
import type { SessionStore } from './persist.js';
import { Prefs } from './prefs.js';
import { SessionModel } from './session.js';
import { ViewModel } from './view.js';

/** The views the page can show. */
export type Tab = 'logs' | 'checkpoints' | 'sessions';

/**
 * The page as a whole: the live session and its connection, the session
 * shown (live, stored or imported), its view, the tab, and the actions on
 * sessions (open, import, export). Components call these; none keeps state.
 */
export class AppModel {
  readonly shown;
  readonly view;
  readonly tab = signal<Tab>('logs');
  /** How the page looks: wrapping, theme, the facets panel. */
  readonly prefs = new Prefs();
  /** The field chart over the list; no fields, no chart. */
  readonly chart = signal<ChartSpec>(NO_CHART);
  /** A short message about the last import or export. */
  readonly notice = signal<string | undefined>(undefined);
  /** Records per second arriving in the live session. */
  readonly rate = signal(0);
  private readonly disposers: (() => void)[] = [];
  /** Fetches a live checkpoint's data from the logger; none without a connection. */
  readonly checkpointData: LoadCheckpointData | undefined;

  constructor(
    readonly live: SessionModel,
    readonly connection: Connection | undefined,
    readonly store: SessionStore | undefined,
    initialFilter: FilterState = ALL,
  ) {
    this.checkpointData = connection ? checkpointDataLoader(connection.token) : undefined;
    this.shown = signal<SessionModel>(live);
    this.view = signal<ViewModel>(new ViewModel(live));
    this.view.value.filter.value = initialFilter;
    let lastSize = live.size;
    let lastAt = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      this.rate.value = Math.max(0, Math.round(((live.size - lastSize) * 1000) / Math.max(1, now - lastAt)));
      lastSize = live.size;
      lastAt = now;
    }, 1000);
    this.disposers.push(() => clearInterval(timer));
  }

  /**
   * Keeps the filter and the chart in the address bar (`?q=…&levels=…&chart=…`,
   * a long filter in the fragment, see `filterToAddress`), so a reload or a
   * shared link keeps them.
   */
  syncUrl(location: Location, history: History): () => void {
    const dispose = effect(() => {
      const next = filterToAddress(this.view.value.filter.value, location);
      const params = chartToParams(this.chart.value, new URLSearchParams(next.search));
      const search = params.size > 0 ? `?${params}` : '';
      if (search === location.search && next.hash === location.hash) return;
      history.replaceState(history.state, '', `${location.pathname}${search}${next.hash}`);
    });
    this.disposers.push(dispose);
    return dispose;
  }

  /** Reads the chart from a URL's search part. */
  static chartFrom(search: string): ChartSpec {
    return chartFromParams(new URLSearchParams(search));
  }

  /** Adds `field` to the chart, opening it when closed. */
  chartField(field: string): void {
    const spec = this.chart.value;
    if (!spec.fields.includes(field)) this.chart.value = { ...spec, fields: [...spec.fields, field] };
  }

  /** Shows `session`, keeping the current filter. */
  show(session: SessionModel): void {
    if (session === this.shown.value) return;
    const filter = this.view.value.filter.value;
    const old = this.view.value;
    const view = new ViewModel(session);
    view.filter.value = filter;
    batch(() => {
      this.shown.value = session;
      this.view.value = view;
      this.tab.value = 'logs';
    });
    old.close();
  }

  /** Goes back to the live session. */
  showLive(): void {
    this.show(this.live);
  }

  /** Opens a stored session from the sessions list. */
  async open(id: string): Promise<void> {
    if (!this.store) return;
    if (id === this.live.info.value?.id) {
      this.showLive();
      return;
    }
    const session = new SessionModel('stored');
    const meta = await this.store.load(id, session);
    if (meta) this.show(session);
  }

  /** Reads a dropped or picked file, stores it and shows it. */
  async importFile(file: File): Promise<void> {
    let text: string;
    try {
      text = await file.text();
    } catch (error) {
      this.notice.value = `Could not read ${file.name}: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    const result = importSession(text, file.name);
    if (!result.ok) {
      this.notice.value = `Could not import ${file.name}: ${result.reason}`;
      return;
    }
    const { dump, skipped } = result;
    // The live session's own recorder file must not replace what the page keeps of it.
    if (dump.meta.session.id === this.live.info.value?.id) {
      dump.meta.session = { ...dump.meta.session, id: `${dump.meta.session.id}-imported` };
    }
    // Written as JSON lines once, here; the stored chunks and the page's run share that text.
    const records = packRecords(dump.records);
    await this.store?.saveImport(dump, records);
    const session = new SessionModel('imported');
    session.load(dump.meta.session, dump.checkpoints, dump.meta.end);
    session.append(records);
    for (const gap of dump.meta.gaps ?? []) session.apply(gap);
    this.show(session);
    this.notice.value = `Imported ${dump.records.length} records from ${file.name}${skipped ? ` (${skipped} lines skipped)` : ''}`;
  }

  /** The shown session as an export, all of it or only the rows the filter passes, with its record count. */
  dump(filtered: boolean): { session: SessionExport; count: number } | undefined {
    const session = this.shown.value;
    const info = session.info.value;
    if (!info) return undefined;
    const view = this.view.value;
    let lines: string[];
    let count: number;
    if (filtered) {
      const texts: string[] = [];
      for (let row = 0; row < view.length; row++) {
        const text = session.store.json(view.recordIndex(row));
        if (text !== undefined) texts.push(text);
      }
      lines = texts.length > 0 ? [`${texts.join('\n')}\n`] : [];
      count = texts.length;
    } else {
      lines = session.store.lines(0, session.size);
      count = session.size;
    }
    const meta: SessionExport['meta'] = { session: info };
    const end = session.ended.value;
    if (end) meta.end = end;
    if (filtered) meta.filter = view.filter.value.query;
    if (session.gaps.value.length > 0) meta.gaps = [...session.gaps.value];
    return { session: { meta, lines, checkpoints: [...session.checkpoints.value.values()] }, count };
  }

  /** Downloads the shown session (or its filtered view) as a JSON file. */
  download(filtered: boolean): void {
    const dump = this.dump(filtered);
    if (!dump) return;
    const blob = new Blob(exportJson(dump.session), { type: 'application/json' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `${dump.session.meta.session.name}${filtered ? '-filtered' : ''}.json`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    this.notice.value = `Exported ${dump.count} records`;
  }

  /** Stops timers and effects. */
  close(): void {
    for (const dispose of this.disposers) dispose();
    this.view.value.close();
  }
}
