/**
 * Window math for a list of fixed-height rows, free of any framework. Browsers
 * cap an element's height (Chromium near 33.5 million pixels), so beyond
 * `MAX_SCROLL_PX` the scrollable height is compressed and scroll positions are
 * mapped onto rows proportionally.
 */

/** Tallest scrollable content the list creates, in pixels. */
export const MAX_SCROLL_PX = 15_000_000;

/** What the list needs to know to place its rows. */
export interface VirtualInput {
  /** Rows in the list. */
  count: number;
  /** Height of one row, in pixels. */
  rowHeight: number;
  /** Height of the scroll container's viewport, in pixels. */
  viewport: number;
  /** The container's `scrollTop`. */
  scrollTop: number;
  /** Extra rows rendered above and below the viewport. */
  overscan?: number;
}

/** The rows to render and where. */
export interface VirtualWindow {
  /** Height of the scrollable content (the spacer), in pixels. */
  totalHeight: number;
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** `top` of row `start` inside the content, in pixels. */
  offset: number;
}

/** Height of the scrollable content for `count` rows. */
export function contentHeight(count: number, rowHeight: number): number {
  return Math.min(count * rowHeight, MAX_SCROLL_PX);
}

/** Ratio of real row pixels to scroll pixels (1 unless the content is compressed). */
function scale(count: number, rowHeight: number, viewport: number): number {
  const real = count * rowHeight - viewport;
  const scrollable = contentHeight(count, rowHeight) - viewport;
  return real > 0 && scrollable > 0 ? real / scrollable : 1;
}

/** The window of rows to render for a scroll position. */
export function virtualWindow(input: VirtualInput): VirtualWindow {
  const { count, rowHeight, viewport, overscan = 4 } = input;
  const totalHeight = contentHeight(count, rowHeight);
  const maxTop = Math.max(0, totalHeight - viewport);
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxTop);
  const realTop = scrollTop * scale(count, rowHeight, viewport);
  const first = Math.floor(realTop / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, Math.ceil((realTop + viewport) / rowHeight) + overscan);
  // Rows sit relative to the scroll position so compression never shows as gaps or overlaps.
  const offset = scrollTop + (start * rowHeight - realTop);
  return { totalHeight, start, end, offset };
}

/** The `scrollTop` that shows row `index` at the top of the viewport. */
export function scrollTopFor(index: number, count: number, rowHeight: number, viewport: number): number {
  const maxTop = Math.max(0, contentHeight(count, rowHeight) - viewport);
  return Math.min(maxTop, Math.max(0, (index * rowHeight) / scale(count, rowHeight, viewport)));
}

/**
 * The `scrollTop` that brings row `index` fully into view with the least
 * movement, or `undefined` when it is already visible.
 */
export function scrollTopToReveal(
  index: number,
  count: number,
  rowHeight: number,
  viewport: number,
  scrollTop: number,
): number | undefined {
  const k = scale(count, rowHeight, viewport);
  const rowTop = (index * rowHeight) / k;
  if (rowTop < scrollTop) return scrollTopFor(index, count, rowHeight, viewport);
  if (rowTop + rowHeight > scrollTop + viewport) {
    return scrollTopFor(index, count, rowHeight, viewport) - viewport + rowHeight;
  }
  return undefined;
}

/** True when the viewport shows the end of the list (within `slack` pixels). */
export function isAtBottom(scrollTop: number, viewport: number, totalHeight: number, slack = 4): boolean {
  return scrollTop + viewport >= totalHeight - slack;
}

/**
 * The `scrollTop` that keeps the same rows in view after `shift` rows were
 * taken off the top of the list (the oldest records evicted) and it went
 * from `before` to `after` rows; 0 when the rows in view were taken too.
 */
export function scrollTopAfterShift(
  scrollTop: number,
  before: number,
  after: number,
  shift: number,
  rowHeight: number,
  viewport: number,
): number {
  const realTop = scrollTop * scale(before, rowHeight, viewport) - shift * rowHeight;
  if (realTop <= 0) return 0;
  const maxTop = Math.max(0, contentHeight(after, rowHeight) - viewport);
  return Math.min(maxTop, realTop / scale(after, rowHeight, viewport));
}
