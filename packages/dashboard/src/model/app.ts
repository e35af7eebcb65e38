import { batch, computed, effect, signal } from '@preact/signals';
import { ALL, type FilterState } from '@pulselog/shared/query';
import { filterToAddress } from '../core/address.js';
import { type ChartSpec, chartFromParams, chartToParams, NO_CHART } from '../core/chart.js';

import { packRecords } from '../core/pack.js';
import { exportJson, type InsightMessage, importSession, type SessionExport } from '../core/transfer.js';
import { checkpointDataLoader, type LoadCheckpointData } from './checkpoint-data.js';
import type { Connection } from './connection.js';
import type { SessionStore } from './persist.js';
import { Prefs, readKeep } from './prefs.js';
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
  /** `?keep=N` of the address, which wins over the saved setting for this tab. */
  private readonly addressKeep = signal<number | undefined>(undefined);
  /** Most records each session shown holds: the address's `?keep=`, else the saved setting. */
  readonly keep = computed(() => this.addressKeep.value ?? this.prefs.keep.value);
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
    this.disposers.push(
      effect(() => {
        const limit = this.keep.value;
        live.setLimit(limit);
        this.shown.value.setLimit(limit);
      }),
    );
    let lastSize = live.size;
    let lastAt = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      this.rate.value = Math.max(0, Math.round(((live.received - lastSize) * 1000) / Math.max(1, now - lastAt)));
      lastSize = live.received;
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

  /** Takes `?keep=N` from a URL's search part: this tab holds N records at most, whatever the saved setting. */
  keepFrom(search: string): void {
    this.addressKeep.value = readKeep(new URLSearchParams(search).get('keep') ?? undefined);
  }

  /** Sets and saves the most records a tab holds; it replaces the address's `?keep=` for this tab. */
  setKeep(records: number): void {
    const keep = readKeep(records);
    if (keep === undefined) return;
    batch(() => {
      this.addressKeep.value = undefined;
      this.prefs.keep.value = keep;
    });
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
    const session = new SessionModel('stored', this.keep.peek());
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
    const session = new SessionModel('imported', this.keep.peek());
    session.load(dump.meta.session, dump.checkpoints, dump.meta.end);
    session.append(records);
    for (const gap of dump.meta.gaps ?? []) session.apply(gap);
    for (const message of dump.insight ?? []) session.apply(message);
    this.show(session);
    const held = session.evicted > 0 ? `, the newest ${session.size} held` : '';
    this.notice.value = `Imported ${dump.records.length} records from ${file.name}${held}${skipped ? ` (${skipped} lines skipped)` : ''}`;
  }

  /**
   * The shown session as an export, all of it or only the rows the filter
   * passes, with its record count: of the records the tab holds, so a tab
   * that evicted older ones exports the newest (the session file holds all).
   */
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
    const exported: SessionExport = { meta, lines, checkpoints: [...session.checkpoints.value.values()] };
    const insight = insightOf(session);
    if (insight.length > 0) exported.insight = insight;
    return { session: exported, count };
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
    const evicted = this.shown.value.evicted;
    this.notice.value = `Exported ${dump.count} records${evicted > 0 ? ` (the ones this tab holds; ${evicted} older ones are only in the session file)` : ''}`;
  }

  /** Stops timers and effects. */
  close(): void {
    for (const dispose of this.disposers) dispose();
    this.view.value.close();
  }
}

/** A session's health and profile, as the messages an export carries. */
function insightOf(session: SessionModel): InsightMessage[] {
  const messages: InsightMessage[] = [];
  if (session.health.size > 0) messages.push({ type: 'health', samples: [...session.health.all()] });
  if (session.profile.frames.length > 0) messages.push(session.profile.toMessage());
  return messages;
}
