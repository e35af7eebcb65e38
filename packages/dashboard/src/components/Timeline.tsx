import { LEVEL_NAMES } from '@pulselog/shared';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { formatTime } from '../core/text.js';
import { lowerBound, timeAt, xAt } from '../core/timeline.js';
import type { ViewModel } from '../model/view.js';

const HEIGHT = 56;
const BAR_PX = 3;
const REDRAW_MS = 400;

function cssColor(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || '#888';
}

/**
 * A strip over the list: records per second stacked by level, error markers,
 * the part of the session the list shows; click to jump there, drag to keep a
 * time range.
 */
export function Timeline({ view }: { view: ViewModel }) {
  const visible = view.visible.value;
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drag, setDrag] = useState<{ x0: number; x1: number } | undefined>(undefined);
  const session = view.session;
  const version = session.version.value;
  const filter = view.filter.value;

  // The strip is redrawn at most a few times a second, however fast records arrive; the span it
  // covers is taken when it is drawn, so the overlays line up with the bars.
  const [drawn, setDrawn] = useState(-1);
  const lastDraw = useRef(Number.NEGATIVE_INFINITY);
  const widthRef = useRef(0);
  const drewData = useRef(false);
  const [resized, setResized] = useState(0);
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setResized((n) => n + 1));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  useEffect(() => {
    if (drawn === version) return;
    // The first records are drawn at once; after that, at most every REDRAW_MS.
    const wait = drewData.current ? Math.max(0, lastDraw.current + REDRAW_MS - performance.now()) : 0;
    const timer = setTimeout(() => setDrawn(version), wait);
    return () => clearTimeout(timer);
  }, [version, drawn]);
  const { start, end } = useMemo(() => {
    const first = session.seconds.first;
    // A short session still gets a readable strip: at least half a minute wide.
    return { start: first, end: Math.max(session.seconds.last, first + 30_000) };
  }, [drawn, session]);
  const hasData = Number.isFinite(start);

  useEffect(() => {
    lastDraw.current = performance.now();
    const el = canvas.current;
    if (!el) return;
    const width = el.clientWidth;
    widthRef.current = width;
    const ratio = window.devicePixelRatio || 1;
    el.width = Math.max(1, Math.floor(width * ratio));
    el.height = Math.floor(HEIGHT * ratio);
    const ctx = el.getContext('2d');
    drewData.current = hasData;
    if (!ctx || !hasData) return;
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, HEIGHT);
    const buckets = session.seconds.buckets(start, end, Math.floor(width / BAR_PX));
    const max = Math.max(1, ...buckets.map((b) => b.total));
    const colors = LEVEL_NAMES.map((l) => cssColor(el, `--${l === 'critical' ? 'error' : l}`));
    const barWidth = width / buckets.length;
    buckets.forEach((bucket, i) => {
      let y = HEIGHT - 6;
      bucket.counts.forEach((c, l) => {
        if (!c) return;
        const h = (c / max) * (HEIGHT - 10);
        ctx.fillStyle = colors[l] ?? '#888';
        ctx.fillRect(i * barWidth, y - h, Math.max(1, barWidth - 0.5), h);
        y -= h;
      });
      if (bucket.error) {
        ctx.fillStyle = colors[3] ?? 'red';
        ctx.fillRect(i * barWidth, HEIGHT - 4, Math.max(2, barWidth), 4);
      }
    });
  }, [start, end, drawn, resized]);

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
    if (!r || !drag) return;
    setDrag({ ...drag, x1: event.clientX - r.left });
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

  // The width as of the last draw: reading it from the element here would force a layout.
  const width = widthRef.current;
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
  return (
    <div class="timeline" data-testid="timeline">
      <canvas
        ref={canvas}
        class="timeline-canvas"
        role="img"
        aria-label={
          hasData
            ? `records per second from ${formatTime(start)} to ${formatTime(end)}; click to jump, drag to pick a time range`
            : 'no records yet'
        }
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
      />
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
    </div>
  );
}
