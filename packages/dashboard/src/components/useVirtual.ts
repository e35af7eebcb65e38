import type { RefObject } from 'preact';
import { useCallback, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { type VirtualWindow, virtualWindow } from '../core/virtual.js';

/** The window of rows to render in a scroll container, and what to call when it scrolls. */
export interface VirtualState extends VirtualWindow {
  /** The container's viewport height. */
  viewport: number;
  /** The container's scroll position as last seen or set. */
  scrollTop: number;
  /** To be called from the container's `onScroll`: draws the rows at the new position. */
  onScroll(): void;
  /** Notes a position the container was scrolled to (`scrollTop` set by the caller) and draws the rows there. */
  moved(top: number): void;
  /** Notes a position without drawing anything new (while the window is pinned to the end). */
  note(top: number): void;
  /** The container's scroll position as last seen or set, now (`scrollTop` is as of this render). */
  position(): number;
}

/**
 * The thin Preact side of the virtual list: tracks the container's scroll
 * position and size and hands them to the pure window math. With `atBottom`
 * the window is the list's end, wherever the container was last scrolled: a
 * list following its tail draws new rows once per update, and its own
 * scrolling to the end causes no second drawing.
 */
export function useVirtual(
  ref: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  atBottom = false,
): VirtualState {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  const seen = useRef(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  // Leaving the end: draw where the container really is.
  useLayoutEffect(() => {
    if (!atBottom) setScrollTop(seen.current);
  }, [atBottom]);
  const onScroll = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    seen.current = el.scrollTop;
    setScrollTop(seen.current);
  }, [ref]);
  const moved = useCallback((top: number) => {
    seen.current = top;
    setScrollTop(top);
  }, []);
  const note = useCallback((top: number) => {
    seen.current = top;
  }, []);
  const position = useCallback(() => seen.current, []);
  const top = atBottom ? Number.POSITIVE_INFINITY : scrollTop;
  return {
    ...virtualWindow({ count, rowHeight, viewport, scrollTop: top }),
    viewport,
    scrollTop: seen.current,
    onScroll,
    moved,
    note,
    position,
  };
}
