import { LEVEL_NAMES } from '@pulselog/shared';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { anomalyMarks } from '../core/spans.js';
import { formatTime, LEVEL_LABEL } from '../core/text.js';
import { countRows, lowerBound, type RowBuckets, spanLabel, timeAt, timeTicks, xAt } from '../core/timeline.js';
import type { ViewModel } from '../model/view.js';
import { FlameGraph } from './FlameGraph.js';
import { HealthStrip } from './HealthStrip.js';
import { useThrottled } from './useThrottled.js';
import { useWidth } from './useWidth.js';

/** Height of the bars' canvas; the axis labels sit under it. */
const HEIGHT = 52;
const BAR_PX = 3;
const REDRAW_MS = 400;
/** Shortest span the strip covers, in milliseconds. */
const MIN_SPAN_MS = 1000;
/** Pixels between two time labels, at least. */
const TICK_PX = 90;

function cssColor(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || '#888';
}

/** The session's time span: its first and last record (a short job fills the strip). */
function spanOf(view: ViewModel): { start: number; end: number } {
  const { first, last } = view.session.seconds;
  if (!Number.isFinite(first)) return { start: Number.NaN, end: Number.NaN };
  // A burst of a few milliseconds still gets a readable strip: a second from its start.
  return { start: first, end: Math.max(last, first + MIN_SPAN_MS) };
}

/**
 * A strip over the list: the records shown (the filter followed) per moment,
 * stacked by level, with a time axis, the scale of its bars, a tooltip with
 * the counts per level under the pointer, error markers, and the part of the
 * session the list shows. Its window is the session's own span. Click to jump
 * there, drag (a brush) to keep a time range. Over it, the process's health
 * on the same time axis; under it, once the profiler sent samples, a flame
 * graph of the kept range (or of the whole session).
 */
export function Timeline({ view }: { view: ViewModel }) {
  const visible = view.visible.value;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | undefined>(undefined);
  const [hover, setHover] = useState<number | undefined>(undefined);
  const session = view.session;
  const filter = view.filter.value;
  const cost = useRef(0);
  const drawn = useThrottled(`${view.version.value}`, REDRAW_MS, cost.current);
  const width = useWidth(canvas);

  const { start, end } = useMemo(() => spanOf(view), [drawn, view]);
  const hasData = Number.isFinite(start);
  const buckets: RowBuckets | undefined = useMemo(() => {
    if (!hasData || width === 0) return undefined;
    const { times, levelCodes } = session.store;
    const started = performance.now();
    const counted = countRows(times, levelCodes, view.shownRows(), start, end, Math.max(1, Math.floor(width / BAR_PX)));
    cost.current = performance.now() - started;
    return counted;
  }, [drawn, view, start, end, width]);
  const max = useMemo(() => (buckets ? Math.max(1, ...buckets.totals) : 1), [buckets]);
  const anomalies = useMemo(() => (hasData ? anomalyMarks(session.store) : []), [drawn, view, hasData]);

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = Math.max(1, Math.floor(width * ratio));
    el.height = Math.floor(HEIGHT * ratio);
    const ctx = el.getContext('2d');
    if (!ctx || !buckets) return;
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, HEIGHT);
    const colors = LEVEL_NAMES.map((l) => cssColor(el, `--${l === 'critical' ? 'error' : l}`));
    const levels = LEVEL_NAMES.length;
    const barWidth = width / buckets.n;
    // Half the scale, as a faint line: the bars' heights read against it.
    ctx.fillStyle = cssColor(el, '--line');
    ctx.fillRect(0, Math.round(HEIGHT - 6 - (HEIGHT - 10) / 2), width, 1);
    for (let b = 0; b < buckets.n; b++) {
      let y = HEIGHT - 6;
      let error = false;
      for (let l = 0; l < levels; l++) {
        const c = buckets.counts[b * levels + l] as number;
        if (!c) continue;
        if (l >= 3) error = true;
        const h = (c / max) * (HEIGHT - 10);
        ctx.fillStyle = colors[l] ?? '#888';
        ctx.fillRect(b * barWidth, y - h, Math.max(1, barWidth - 0.5), h);
        y -= h;
      }
      if (error) {
        ctx.fillStyle = colors[3] ?? 'red';
        ctx.fillRect(b * barWidth, HEIGHT - 4, Math.max(2, barWidth), 4);
      }
    }
  }, [buckets, max, width]);

  const rect = () => canvas.current?.getBoundingClientRect();
  const onPointerDown = (event: PointerEvent) => {
    const r = rect();
    if (!r || !hasData) return;
    (event.currentTarget as Element).setPointerCapture?.(event.pointerId);
    const x = event.clientX - r.left;
    setDrag({ x0: x, x1: x });
  };
  const onPointerMove = (event: PointerEvent) => {
    const r = rect();
    if (!r) return;
    const x = event.clientX - r.left;
    if (drag) setDrag({ ...drag, x1: x });
    else setHover(x);
  };
  const onPointerUp = (event: PointerEvent) => {
    const r = rect();
    if (!r || !drag) return;
    const x1 = event.clientX - r.left;
    setDrag(undefined);
    if (Math.abs(x1 - drag.x0) < 4) {
      // A click: jump the list to that moment.
      const t = timeAt(x1, r.width, start, end);
      const { times, seqs } = session.store;
      const index = lowerBound(session.size, (i) => times[i] as number, t);
      if (session.size > 0) {
        view.setFollow(false);
        view.scrollTo(view.rowOfSeq(seqs[Math.min(index, session.size - 1)] as number), 'top');
      }
      return;
    }
    const left = Math.min(drag.x0, x1);
    const right = Math.max(drag.x0, x1);
    // A drag that reaches an end of the strip leaves that side of the range open.
    const { from: _from, to: _to, ...rest } = view.filter.value;
    const range: { from?: number; to?: number } = {};
    if (left > 0) range.from = Math.floor(timeAt(left, r.width, start, end));
    if (right < r.width) range.to = Math.ceil(timeAt(right, r.width, start, end));
    view.filter.value = { ...rest, ...range };
  };

  const timeOfRow = (row: number) => {
    const index = view.recordIndex(row);
    return index < session.size ? session.store.times[index] : undefined;
  };
  const firstVisible = timeOfRow(visible[0]);
  const lastVisible = timeOfRow(Math.max(visible[0], visible[1] - 1));
  const shownLeft = firstVisible !== undefined && width ? xAt(firstVisible, width, start, end) : 0;
  const shownRight = lastVisible !== undefined && width ? xAt(lastVisible, width, start, end) : 0;
  const range =
    filter.from !== undefined || filter.to !== undefined
      ? [xAt(filter.from ?? start, width, start, end), xAt(filter.to ?? end, width, start, end)]
      : undefined;
  // A label too close to the right end would be cut: it is left out.
  const ticks = (hasData && width > 0 ? timeTicks(start, end, Math.max(1, Math.floor(width / TICK_PX))) : []).filter(
    (tick) => xAt(tick.t, width, start, end) <= width - 72,
  );
  const bucket = hover !== undefined && buckets ? Math.min(buckets.n - 1, Math.floor((hover / width) * buckets.n)) : -1;
  // Read so that the first health sample or profile chunk brings the strip and the flame graph in.
  session.insight.value;
  const profileSpan = session.profile.size > 0 ? session.profile.span() : undefined;
  const selected = filter.from !== undefined || filter.to !== undefined;
  const strip = (
    <div class="timeline" data-testid="timeline" onPointerLeave={() => setHover(undefined)}>
      <canvas
        ref={canvas}
        class="timeline-canvas"
        role="img"
        aria-label={
          hasData
            ? `records shown from ${formatTime(start)} to ${formatTime(end)}; click to jump, drag to pick a time range`
            : 'no records yet'
        }
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
      />
      {buckets ? (
        <span class="timeline-scale" data-testid="timeline-scale">
          {max} per {spanLabel(buckets.width)}
        </span>
      ) : null}
      <div class="timeline-axis" data-testid="timeline-axis" aria-hidden="true">
        {ticks.map((tick) => (
          <span key={tick.t} class="timeline-tick" style={{ left: `${xAt(tick.t, width, start, end)}px` }}>
            {tick.label}
          </span>
        ))}
      </div>
      {view.length > 0 && width ? (
        <div
          class="timeline-shown"
          data-testid="timeline-shown"
          style={{ left: `${shownLeft}px`, width: `${Math.max(2, shownRight - shownLeft)}px` }}
        />
      ) : null}
      {range ? (
        <div
          class="timeline-range"
          style={{ left: `${range[0]}px`, width: `${Math.max(2, (range[1] ?? 0) - (range[0] ?? 0))}px` }}
        />
      ) : null}
      {drag ? (
        <div
          class="timeline-drag"
          style={{ left: `${Math.min(drag.x0, drag.x1)}px`, width: `${Math.abs(drag.x1 - drag.x0)}px` }}
        />
      ) : null}
      {width > 0
        ? anomalies.map((mark) => (
            <button
              type="button"
              key={mark.seq}
              class="timeline-anomaly"
              data-testid="timeline-anomaly"
              title={anomalyTitle(view, mark.seq)}
              aria-label={`anomaly at ${formatTime(mark.ts)}`}
              style={{ left: `${xAt(mark.ts, width, start, end)}px` }}
              onClick={() => {
                view.setFollow(false);
                view.select(view.rowOfSeq(mark.seq));
              }}
            />
          ))
        : null}
      {bucket >= 0 && buckets && !drag ? (
        <Tooltip buckets={buckets} bucket={bucket} x={hover ?? 0} width={width} />
      ) : null}
    </div>
  );
  return (
    <>
      {hasData ? <HealthStrip session={session} start={start} end={end} width={width} /> : null}
      {strip}
      {profileSpan ? (
        <FlameGraph
          session={session}
          from={filter.from ?? (hasData ? start : profileSpan.first)}
          to={filter.to ?? (hasData ? end : profileSpan.last)}
          selected={selected}
        />
      ) : null}
    </>
  );
}

/** A marker's tooltip: the span's name and why it was flagged. */
function anomalyTitle(view: ViewModel, seq: number): string {
  const record = view.session.record(view.session.indexOfSeq(seq));
  const fields = record?.fields;
  return fields ? `${String(fields.span ?? record?.msg)}: ${String(fields.anomaly)}` : 'anomaly';
}

function Tooltip({ buckets, bucket, x, width }: { buckets: RowBuckets; bucket: number; x: number; width: number }) {
  const from = buckets.start + bucket * buckets.width;
  const levels = LEVEL_NAMES.length;
  const counts = LEVEL_NAMES.map((level, l) => ({ level, count: buckets.counts[bucket * levels + l] as number }));
  return (
    <div
      class="timeline-tip"
      role="tooltip"
      data-testid="timeline-tip"
      style={x > width / 2 ? { right: `${width - x + 8}px` } : { left: `${x + 8}px` }}
    >
      <div class="timeline-tip-time">
        {formatTime(from)} – {formatTime(from + buckets.width)}
      </div>
      <div>{buckets.totals[bucket]} records</div>
      {counts
        .filter((c) => c.count > 0)
        .map((c) => (
          <div key={c.level} class={`timeline-tip-level badge-${c.level}`}>
            {LEVEL_LABEL[c.level]} {c.count}
          </div>
        ))}
    </div>
  );
}
