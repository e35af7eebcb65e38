import { useCallback, useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { Scalar } from '../core/refine.js';
import { isAtBottom, scrollTopAfterShift, scrollTopFor, scrollTopToReveal } from '../core/virtual.js';
import type { ViewModel } from '../model/view.js';
import { RecordRow, ROW_HEIGHT, WRAP_ROW_HEIGHT } from './RecordRow.js';
import { useVirtual } from './useVirtual.js';

/**
 * The records that pass the filter, oldest first, as a virtualized list: only
 * the rows in view exist in the DOM. It follows the tail until the user
 * scrolls up, then offers a jump back to the latest. With `wrap`, rows are
 * taller and long messages wrap onto their lines instead of ending in an ellipsis.
 */
export function RecordList({ view, wrap = false }: { view: ViewModel; wrap?: boolean }) {
  const rowHeight = wrap ? WRAP_ROW_HEIGHT : ROW_HEIGHT;
  view.version.value;
  const selectedSeq = view.selected.value;
  const follow = view.follow.value;
  const newRows = view.newRows.value;
  const request = view.scrollRequest.value;
  const ref = useRef<HTMLDivElement>(null);
  const count = view.length;
  const win = useVirtual(ref, count, rowHeight, follow);
  // Where the list last scrolled itself. Scroll events are coalesced per frame, so a flag
  // would also swallow a user's scroll that lands in the same frame; the position tells them apart.
  const programmaticTop = useRef<number | undefined>(undefined);

  const scrollEl = (top: number) => {
    const el = ref.current;
    // Compared with the last position seen, not `el.scrollTop`: reading that would force a layout.
    if (!el || Math.abs(win.position() - top) < 1) return;
    programmaticTop.current = top;
    el.scrollTop = top;
    // Following the tail, the rows drawn are already the last ones: nothing to draw again.
    if (follow) win.note(top);
    else win.moved(top);
  };

  // Following the tail: stay at the bottom as rows arrive. The rows drawn are the last ones
  // already; scrolling to them waits for the next frame, which lays them out anyway, instead of
  // forcing that layout now, in the task that rendered them.
  const latest = useRef({ follow, bottom: 0, scrollEl });
  latest.current = { follow, bottom: Math.max(0, win.totalHeight - win.viewport), scrollEl };
  const scrollFrame = useRef<number | undefined>(undefined);
  useLayoutEffect(() => {
    if (!follow || scrollFrame.current !== undefined) return;
    scrollFrame.current = requestAnimationFrame(() => {
      scrollFrame.current = undefined;
      const now = latest.current;
      if (now.follow) now.scrollEl(now.bottom);
    });
  });
  useEffect(() => () => cancelAnimationFrame(scrollFrame.current ?? 0), []);

  // Rows taken off the top (the oldest records evicted): a list scrolled up keeps its records in view.
  const shifted = view.shifted.value;
  const lastShift = useRef({ view, shifted, count });
  useLayoutEffect(() => {
    const before = lastShift.current;
    lastShift.current = { view, shifted, count };
    if (before.view !== view || before.shifted === shifted || follow) return;
    const el = ref.current;
    if (!el) return;
    const viewport = el.clientHeight;
    scrollEl(scrollTopAfterShift(win.position(), before.count, count, shifted - before.shifted, rowHeight, viewport));
  });

  useLayoutEffect(() => {
    if (!request) return;
    const el = ref.current;
    if (!el) return;
    const viewport = el.clientHeight;
    let top: number | undefined;
    if (request.align === 'top') top = scrollTopFor(request.row, count, rowHeight, viewport);
    else if (request.align === 'center') {
      top = scrollTopFor(request.row, count, rowHeight, viewport) - Math.max(0, (viewport - rowHeight) / 2);
      top = Math.max(0, Math.min(top, win.totalHeight - viewport));
    } else if (request.align === 'bottom') top = Math.max(0, win.totalHeight - viewport);
    else top = scrollTopToReveal(request.row, count, rowHeight, viewport, el.scrollTop);
    if (top !== undefined) scrollEl(top);
  }, [request]);

  useLayoutEffect(() => {
    const shown: [number, number] = [win.start, win.end];
    const [a, b] = view.visible.peek();
    if (a !== shown[0] || b !== shown[1]) view.visible.value = shown;
  });

  const onSelect = useCallback(
    (row: number) => {
      view.select(row);
      view.detailOpen.value = true;
    },
    [view],
  );

  const onFilter = useCallback(
    (key: string, value: Scalar, exclude: boolean) => view.refine(key, value, exclude),
    [view],
  );

  const onScroll = () => {
    const el = ref.current;
    if (!el) return;
    const target = programmaticTop.current;
    programmaticTop.current = undefined;
    const wasProgrammatic =
      target !== undefined && Math.abs(el.scrollTop - Math.min(target, el.scrollHeight - el.clientHeight)) < 2;
    if (wasProgrammatic) {
      // The page's own scroll says nothing of what the user wants followed. Its event may come
      // after a key that changed that (`G` then `f`), and must not undo the key.
      if (follow) win.note(el.scrollTop);
      else win.onScroll();
      return;
    }
    win.onScroll();
    const atBottom = isAtBottom(el.scrollTop, el.clientHeight, win.totalHeight);
    if (atBottom && !follow) view.setFollow(true);
    else if (!atBottom && follow) view.setFollow(false);
  };

  const rows = [];
  // One element per slot, kept in slot order, with row `row` in slot `row % slots`: as the window
  // moves, by one row or by thousands while following a fast stream, every element stays where it
  // is and only the ones whose row changed are redrawn; none is removed, created or moved.
  const slots = win.end - win.start;
  // Slots the list has no rows for yet (an empty or short list) hold invisible blank rows, a
  // screenful in all, so the records that come find their elements made (see `RecordRow`).
  const fill = Math.max(slots, Math.ceil(win.viewport / rowHeight) + 5);
  for (let slot = 0; slot < fill; slot++) {
    if (slot >= slots) {
      rows.push(<RecordRow key={slot} record={undefined} top={0} />);
      continue;
    }
    const row = win.start + ((slot - (win.start % slots) + slots) % slots);
    const record = view.session.record(view.recordIndex(row));
    if (!record) continue;
    rows.push(
      <RecordRow
        key={slot}
        record={record}
        row={row}
        terms={view.terms}
        top={win.offset + (row - win.start) * rowHeight}
        selected={record.seq === selectedSeq}
        onSelect={onSelect}
        onFilter={onFilter}
      />,
    );
  }
  const activeId = selectedSeq === undefined ? undefined : `row-${selectedSeq}`;
  return (
    <div class="list-wrap">
      <div
        ref={ref}
        class={`list${wrap ? ' wrap' : ''}`}
        role="listbox"
        tabIndex={0}
        aria-label={`log records, ${count} shown`}
        aria-activedescendant={activeId}
        data-testid="record-list"
        onScroll={onScroll}
      >
        <div class="list-content" style={{ height: `${win.totalHeight}px` }}>
          {rows}
        </div>
        {count === 0 ? (
          <p class="empty" data-testid="empty">
            {view.session.size === 0 ? 'No records in this session yet.' : 'No records match.'}
          </p>
        ) : null}
      </div>
      {!follow ? (
        <button type="button" class="jump" data-testid="jump-latest" onClick={() => view.setFollow(true)}>
          {newRows > 0 ? `${newRows} new records ↓` : 'Latest ↓'}
        </button>
      ) : null}
    </div>
  );
}
