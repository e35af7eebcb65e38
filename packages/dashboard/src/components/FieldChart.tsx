import { LEVEL_NAMES } from '@pulselog/shared';
import { TAG_KEY } from '@pulselog/shared/query';
import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { buildChart, type ChartData, type ChartSpec, type SplitBy, wheelRange } from '../core/chart.js';
import { FIELD_NUMBER } from '../core/pack.js';
import { SOURCE_KEY } from '../core/strings.js';
import { shortNumber } from '../core/text.js';
import type { AppModel } from '../model/app.js';
import type { ViewModel } from '../model/view.js';
import { useThrottled } from './useThrottled.js';
import { useWidth } from './useWidth.js';

const HEIGHT = 190;
/** Longest a chart waits behind arriving records. */
const REDRAW_MS = 400;
const PALETTE = ['#2563eb', '#d97706', '#16a34a', '#9333ea', '#dc2626', '#0891b2', '#db2777', '#65a30d'];

function cssVar(el: Element, name: string, fallback: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || fallback;
}

/** Fields holding numbers among the columns: what can be charted. */
function numericFields(view: ViewModel): string[] {
  const fields = view.session.store.fields;
  const size = view.session.size;
  return fields.keys().filter((key) => {
    if (key === TAG_KEY || key === SOURCE_KEY) return false;
    const kinds = fields.get(key)?.kinds;
    if (!kinds) return false;
    // A look at up to the first thousands of records is enough to tell a numeric field.
    for (let i = 0, n = Math.min(size, 5000); i < n; i++) if (kinds[i] === FIELD_NUMBER) return true;
    for (let i = Math.max(0, size - 1000); i < size; i++) if (kinds[i] === FIELD_NUMBER) return true;
    return false;
  });
}

function colour(el: Element, spec: ChartSpec, data: ChartData, index: number): string {
  const series = data.series[index];
  if (spec.by === 'level' && series?.group) {
    const level = series.group === 'critical' ? 'error' : series.group;
    if ((LEVEL_NAMES as readonly string[]).includes(level)) return cssVar(el, `--${level}`, '#888');
  }
  return PALETTE[index % PALETTE.length] as string;
}

function Controls({ app, fields }: { app: AppModel; fields: string[] }) {
  const spec = app.chart.value;
  const set = (next: Partial<ChartSpec>) => (app.chart.value = { ...app.chart.value, ...next });
  return (
    <div class="chart-controls">
      {spec.fields.map((field) => (
        <span class="chart-field" key={field}>
          {field}
          <button
            type="button"
            class="link"
            aria-label={`remove ${field} from the chart`}
            onClick={() => set({ fields: spec.fields.filter((f) => f !== field) })}
          >
            ×
          </button>
        </span>
      ))}
      <select
        aria-label="add a field to the chart"
        data-testid="chart-add"
        value=""
        onChange={(event) => {
          const key = event.currentTarget.value;
          if (key) set({ fields: [...spec.fields, key] });
        }}
      >
        <option value="">+ field</option>
        {fields
          .filter((f) => !spec.fields.includes(f))
          .map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
      </select>
      <label>
        against{' '}
        <select
          aria-label="horizontal axis"
          data-testid="chart-x"
          value={spec.x}
          onChange={(event) => set({ x: event.currentTarget.value })}
        >
          <option value="time">time</option>
          {fields.map((f) => (
            <option key={f} value={f}>
              {f}
            </option>
          ))}
        </select>
      </label>
      <label>
        series per{' '}
        <select
          aria-label="series per"
          data-testid="chart-by"
          value={spec.by}
          onChange={(event) => set({ by: event.currentTarget.value as SplitBy })}
        >
          <option value="none">field</option>
          <option value="tag">tag</option>
          <option value="level">level</option>
        </select>
      </label>
      <span class="spacer" />
      <button type="button" class="link" data-testid="chart-close" onClick={() => set({ fields: [] })}>
        close chart
      </button>
    </div>
  );
}

/**
 * A chart of numeric fields of the records shown (uPlot), over time or
 * against another field, one series per field (and per tag or level), each
 * decimated to the min and max per pixel column (`buildChart`). It follows
 * the filter; over time, a drag picks the time range of the whole view (which
 * the timeline shows too), the wheel pans it (with Ctrl or Cmd, zooms) and a
 * double click clears it; hovering a point selects its record in the list.
 */
export function FieldChart({ app }: { app: AppModel }) {
  const view = app.view.value;
  const spec = app.chart.value;
  const filter = view.filter.value;
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  // Nothing is built before the width is measured (see useWidth).
  const width = useWidth(host);
  const version = useThrottled(`${view.version.value}`, REDRAW_MS);
  const isTime = spec.x === 'time';

  const range = isTime && (filter.from !== undefined || filter.to !== undefined) ? filter : undefined;
  const built = useMemo(() => {
    const started = performance.now();
    const span: [number, number] | undefined = range
      ? [range.from ?? view.session.seconds.first, range.to ?? view.session.seconds.last]
      : undefined;
    const data = buildChart(view.session.store, view.shownRows(), spec, Math.floor(width), span);
    return { data, ms: performance.now() - started };
  }, [version, view, spec, width, range?.from, range?.to]);
  const fields = useMemo(() => numericFields(view), [version, view]);

  // The records behind the points, for hover; kept current without rebuilding the plot.
  const latest = useRef({ built, view, isTime });
  latest.current = { built, view, isTime };

  const shape = `${built.data.series.map((s) => s.label).join('\n')}|${spec.x}|${width}`;
  useEffect(() => {
    const el = host.current;
    if (!el || width === 0 || built.data.series.length === 0) return;
    const data = built.data;
    const opts: uPlot.Options = {
      width,
      height: HEIGHT,
      ms: 1,
      scales: { x: { time: isTime } },
      legend: { live: true },
      cursor: {
        drag: { x: true, y: false, setScale: !isTime },
        points: { size: 6 },
      },
      axes: [
        { stroke: cssVar(el, '--muted', '#888'), grid: { stroke: cssVar(el, '--line', '#eee') } },
        {
          stroke: cssVar(el, '--muted', '#888'),
          grid: { stroke: cssVar(el, '--line', '#eee') },
          values: (_u, splits) => splits.map((v) => shortNumber(v)),
          size: 56,
        },
      ],
      series: [
        { label: spec.x },
        ...data.series.map((s, i) => ({
          label: s.label,
          stroke: colour(el, spec, data, i),
          width: 1.5,
          spanGaps: true,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => (v === null ? '–' : shortNumber(v)),
        })),
      ],
      hooks: {
        setSelect: [
          (u) => {
            if (!latest.current.isTime || u.select.width < 4) return;
            const from = Math.floor(u.posToVal(u.select.left, 'x'));
            const to = Math.ceil(u.posToVal(u.select.left + u.select.width, 'x'));
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            const current = latest.current.view;
            current.filter.value = { ...current.filter.value, from, to };
          },
        ],
        setCursor: [
          (u) => {
            const idx = u.cursor.idx;
            if (idx === null || idx === undefined) return;
            const { built: now, view: current } = latest.current;
            const index = now.data.series.map((s) => s.records[idx] ?? -1).find((r) => r >= 0);
            if (index === undefined || index >= current.session.size) return;
            const row = current.rowOfSeq(current.session.store.seqs[index] as number);
            if (row !== current.selectedRow()) current.select(row);
          },
        ],
      },
    };
    const u = new uPlot(opts, [data.xs, ...data.series.map((s) => s.ys)] as uPlot.AlignedData, el);
    u.over.addEventListener('dblclick', () => {
      if (!latest.current.isTime) return;
      const current = latest.current.view;
      const { from: _from, to: _to, ...rest } = current.filter.value;
      current.filter.value = rest;
    });
    // Over time, the wheel pans the view's time range (Ctrl or Cmd: zooms around the pointer),
    // which the list and the timeline follow.
    u.over.addEventListener(
      'wheel',
      (event) => {
        const current = latest.current.view;
        const { from, to } = current.filter.value;
        const zoom = event.ctrlKey || event.metaKey;
        if (!latest.current.isTime || (!zoom && from === undefined && to === undefined)) return;
        event.preventDefault();
        const bounds: [number, number] = [current.session.seconds.first, current.session.seconds.last];
        const at = u.posToVal(event.offsetX, 'x');
        const delta = event.deltaY || event.deltaX;
        const next = zoom
          ? wheelRange([from ?? bounds[0], to ?? bounds[1]], bounds, at, 0, delta > 0 ? 1.25 : 0.8)
          : wheelRange([from ?? bounds[0], to ?? bounds[1]], bounds, at, delta > 0 ? 0.1 : -0.1);
        const { from: _from, to: _to, ...rest } = current.filter.value;
        const whole = next[0] <= bounds[0] && next[1] >= bounds[1];
        current.filter.value = whole ? rest : { ...rest, from: next[0], to: next[1] };
      },
      { passive: false },
    );
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = undefined;
    };
  }, [shape, spec.by]);

  useEffect(() => {
    const u = plot.current;
    if (!u) return;
    const data = built.data;
    u.setData([data.xs, ...data.series.map((s) => s.ys)] as uPlot.AlignedData);
    if (range && data.span) u.setScale('x', { min: data.span[0], max: data.span[1] });
  }, [built]);

  return (
    <section class="chart" aria-label="field chart" data-testid="chart" data-ms={built.ms.toFixed(1)}>
      <Controls app={app} fields={fields} />
      {built.data.series.length > 0 ? (
        <div class="chart-stats">
          {built.data.series.map((s) => (
            <span key={s.label} data-testid="chart-series" data-label={s.label}>
              <strong>{s.label}</strong> n={s.stats.count} p50={shortNumber(s.stats.p50)} p95=
              {shortNumber(s.stats.p95)} min={shortNumber(s.stats.min)} max={shortNumber(s.stats.max)}
            </span>
          ))}
        </div>
      ) : (
        <p class="chart-empty" data-testid="chart-empty">
          No numbers for {spec.fields.join(', ')} in the records shown.
        </p>
      )}
      <div ref={host} class="chart-plot" />
    </section>
  );
}
