import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type FlameRect, flameLayout, frameName, frameWhere } from '../core/profile.js';
import { formatTime } from '../core/text.js';
import type { SessionModel } from '../model/session.js';
import { useWidth } from './useWidth.js';

/** Height of one frame's row, pixels. */
const ROW_PX = 16;
/** Rows shown before the graph scrolls. */
const MAX_ROWS = 24;

function cssColor(el: Element, name: string): string {
  return getComputedStyle(el).getPropertyValue(name).trim() || '#888';
}

/** A warm color per function, the same for a name every time, as flame graphs color them. */
function frameColor(name: string): string {
  let hash = 0;
  for (let i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) | 0;
  const hue = 10 + (Math.abs(hash) % 40);
  const light = 55 + (Math.abs(hash >> 8) % 15);
  return `hsl(${hue} 85% ${light}%)`;
}

const ms = (us: number) => `${(us / 1000).toFixed(us < 10_000 ? 1 : 0)} ms`;

/**
 * A flame graph of the profile's samples in `from..to` (the timeline's
 * selected range, or the whole session), the root on top and each function's
 * width its total time; hovering a frame shows its self and total time and
 * where its code is.
 */
export function FlameGraph({
  session,
  from,
  to,
  selected,
}: {
  session: SessionModel;
  from: number;
  to: number;
  selected: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const width = useWidth(canvas);
  const [hover, setHover] = useState<{ rect: FlameRect; x: number; y: number } | undefined>(undefined);
  const version = session.insight.value;
  const profile = session.profile;
  const root = useMemo(() => profile.flame(from, to), [version, profile, from, to]);
  const rects = useMemo(() => (width > 0 ? flameLayout(root, width) : []), [root, width]);
  const depth = rects.reduce((d, r) => Math.max(d, r.depth + 1), 1);
  const height = depth * ROW_PX;

  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = Math.max(1, Math.floor(width * ratio));
    el.height = Math.max(1, Math.floor(height * ratio));
    const ctx = el.getContext('2d');
    if (!ctx) return;
    ctx.scale(ratio, ratio);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const text = cssColor(el, '--flame-text');
    for (const rect of rects) {
      const frame = profile.frames[rect.node.frame];
      const name = frameName(frame);
      ctx.fillStyle = rect.node.frame < 0 ? cssColor(el, '--chip') : frameColor(name);
      ctx.fillRect(rect.x, rect.depth * ROW_PX, Math.max(0.5, rect.width - 0.5), ROW_PX - 1);
      if (rect.width > 30) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(rect.x, rect.depth * ROW_PX, rect.width - 2, ROW_PX);
        ctx.clip();
        ctx.fillStyle = text;
        ctx.fillText(
          rect.node.frame < 0 ? `all ${ms(rect.node.total)}` : name,
          rect.x + 3,
          rect.depth * ROW_PX + ROW_PX / 2,
        );
        ctx.restore();
      }
    }
  }, [rects, width, height]);

  const section = useRef<HTMLElement>(null);
  const onPointerMove = (event: PointerEvent) => {
    const r = canvas.current?.getBoundingClientRect();
    const outer = section.current?.getBoundingClientRect();
    if (!r || !outer) return;
    const x = event.clientX - r.left;
    const row = Math.floor((event.clientY - r.top) / ROW_PX);
    const rect = rects.find((c) => c.depth === row && x >= c.x && x < c.x + c.width);
    // Placed in the section, outside the scrolling body, so that no edge cuts it off.
    setHover(rect ? { rect, x, y: event.clientY - outer.top } : undefined);
  };

  const hovered = hover ? profile.frames[hover.rect.node.frame] : undefined;
  return (
    <section ref={section} class="flame" data-testid="flame-graph" aria-label="flame graph">
      <div class="flame-head">
        <strong>Profile</strong> {selected ? 'of the selected range' : 'of the whole session'}, {formatTime(from)} –{' '}
        {formatTime(to)}: {root.total > 0 ? `${ms(root.total)} sampled` : 'no samples in this range'}
        {selected ? null : <span class="flame-hint"> (drag across the timeline to pick a range)</span>}
      </div>
      <div class="flame-body" style={{ maxHeight: `${MAX_ROWS * ROW_PX}px` }}>
        <canvas
          ref={canvas}
          class="flame-canvas"
          style={{ height: `${height}px` }}
          role="img"
          aria-label="functions by time: hover a frame for its self and total time"
          onPointerMove={onPointerMove}
          onPointerLeave={() => setHover(undefined)}
        />
      </div>
      {hover ? (
        <div
          class="timeline-tip flame-tip"
          role="tooltip"
          data-testid="flame-tip"
          style={{
            top: hover.y > 120 ? 'auto' : `${hover.y + 12}px`,
            bottom: hover.y > 120 ? `calc(100% - ${hover.y - 8}px)` : undefined,
            ...(hover.x > width / 2 ? { right: `${width - hover.x + 8}px` } : { left: `${hover.x + 8}px` }),
          }}
        >
          <div class="flame-tip-name">{frameName(hovered)}</div>
          <div>
            self {ms(hover.rect.node.self)}, total {ms(hover.rect.node.total)} (
            {root.total > 0 ? Math.round((hover.rect.node.total / root.total) * 100) : 0}%)
          </div>
          {frameWhere(hovered) ? <div class="timeline-tip-time">{frameWhere(hovered)}</div> : null}
        </div>
      ) : null}
    </section>
  );
}
