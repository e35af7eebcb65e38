import type { HealthSample } from '@pulselog/shared';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { healthBuckets } from '../core/health.js';
import { formatBytes, formatTime } from '../core/text.js';
import { timeAt } from '../core/timeline.js';
import type { SessionModel } from '../model/session.js';

/** Height of the strip's canvas. */
const HEIGHT = 34;
const BAR_PX = 3;
/** Event-loop p99 past which a slice is marked: the loop was held up long enough to notice. */
const SLOW_LOOP_MS = 100;

function cssColor(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || '#888';
}

/**
 * The process's health over the timeline's window, `width` pixels wide so
 * that it lines up with the records' bars under it: CPU as an area, heap used
 * as a line, a mark where the event loop was held up; a tooltip with the
 * whole sample under the pointer. Shows nothing until a sample came.
 */
export function HealthStrip({
  session,
  start,
  end,
  width,
}: {
  session: SessionModel;
  start: number;
  end: number;
  width: number;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [hover, setHover] = useState<number | undefined>(undefined);
  const version = session.insight.value;
  const series = session.health;
  const buckets = useMemo(
    () =>
      series.size > 0 && width > 0 && Number.isFinite(start)
        ? healthBuckets(series, start, end, Math.max(1, Math.floor(width / BAR_PX)))
        : undefined,
    [version, series, start, end, width],
  );

  useEffect(() => {
    const el = canvas.current;
    if (!el || !buckets) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = Math.max(1, Math.floor(width * ratio));
    el.height = Math.floor(HEIGHT * ratio);
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, HEIGHT);
    const step = width / buckets.n;
    const y = (value: number, max: number) => HEIGHT - 2 - (value / max) * (HEIGHT - 6);
    ctx.globalAlpha = 0.35;
    ctx.fillStyle = cssColor(el, '--info');
    for (let b = 0; b < buckets.n; b++) {
      const cpu = buckets.cpu[b] as number;
      if (Number.isNaN(cpu)) continue;
      const top = y(cpu, buckets.max.cpu);
      ctx.fillRect(b * step, top, Math.max(1, step), HEIGHT - 2 - top);
    }
    ctx.globalAlpha = 1;
    ctx.strokeStyle = cssColor(el, '--ok');
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    let drawing = false;
    for (let b = 0; b < buckets.n; b++) {
      const heap = buckets.heap[b] as number;
      if (Number.isNaN(heap)) continue;
      const x = b * step + step / 2;
      if (drawing) ctx.lineTo(x, y(heap, buckets.max.heap));
      else ctx.moveTo(x, y(heap, buckets.max.heap));
      drawing = true;
    }
    ctx.stroke();
    ctx.fillStyle = cssColor(el, '--error');
    for (let b = 0; b < buckets.n; b++) {
      if ((buckets.loop[b] as number) >= SLOW_LOOP_MS) ctx.fillRect(b * step, 0, Math.max(2, step), 4);
    }
  }, [buckets, width]);

  if (series.size === 0) return null;
  const last = series.at(series.size - 1) as HealthSample;
  const t = hover !== undefined ? timeAt(hover, width, start, end) : undefined;
  const shown =
    t !== undefined ? series.nearest(t + 500, Math.max(1500, (end - start) / Math.max(1, width))) : undefined;
  return (
    <div class="health" data-testid="health-strip" onPointerLeave={() => setHover(undefined)}>
      <canvas
        ref={canvas}
        class="health-canvas"
        role="img"
        aria-label="the process's CPU, heap and event-loop delay over time"
        onPointerMove={(event) => {
          const r = canvas.current?.getBoundingClientRect();
          if (r) setHover(event.clientX - r.left);
        }}
      />
      <span class="health-legend" data-testid="health-legend">
        <span class="health-key health-cpu">CPU {Math.round(last.cpu.user + last.cpu.system)}%</span>
        <span class="health-key health-heap">heap {formatBytes(last.heap.used)}</span>
        <span class="health-key health-loop">loop p99 {last.loop.p99} ms</span>
      </span>
      {shown && hover !== undefined ? <HealthTip sample={shown} x={hover} width={width} /> : null}
    </div>
  );
}

function HealthTip({ sample, x, width }: { sample: HealthSample; x: number; width: number }) {
  return (
    <div
      class="timeline-tip health-tip"
      role="tooltip"
      data-testid="health-tip"
      style={x > width / 2 ? { right: `${width - x + 8}px` } : { left: `${x + 8}px` }}
    >
      <div class="timeline-tip-time">{formatTime(sample.at)}</div>
      <div>
        CPU {sample.cpu.user}% user, {sample.cpu.system}% system
      </div>
      <div>
        heap {formatBytes(sample.heap.used)} of {formatBytes(sample.heap.total)}, RSS {formatBytes(sample.rss)}
      </div>
      <div>
        event loop p50 {sample.loop.p50} ms, p99 {sample.loop.p99} ms, max {sample.loop.max} ms
      </div>
      <div>
        GC {sample.gc.ms} ms in {sample.gc.count}, {sample.handles} handles
      </div>
    </div>
  );
}
