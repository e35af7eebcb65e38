import type { RefObject } from 'preact';
import { useCallback, useLayoutEffect, useState } from 'preact/hooks';
import { type VirtualWindow, virtualWindow } from '../core/virtual.js';

/** The window of rows to render in a scroll container, and its scroll handler. */
export interface VirtualState extends VirtualWindow {
  /** The container's viewport height. */
  viewport: number;
  /** The container's scroll position as last seen. */
  scrollTop: number;
  /** To be called from the container's `onScroll`. */
  onScroll(): void;
}

/**
 * The thin Preact side of the virtual list: tracks the container's scroll
 * position and size and hands them to the pure window math. With `atBottom`
 * the window is the list's end, wherever the container was last scrolled:
 * a list following its tail then draws the new rows once, instead of once
 * where it was and again after scrolling down.
 */
export function useVirtual(
  ref: RefObject<HTMLElement | null>,
  count: number,
  rowHeight: number,
  atBottom = false,
): VirtualState {
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(600);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setViewport(el.clientHeight);
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  const onScroll = useCallback(() => {
    const el = ref.current;
    if (el) setScrollTop(el.scrollTop);
  }, [ref]);
  const top = atBottom ? Number.POSITIVE_INFINITY : scrollTop;
  return { ...virtualWindow({ count, rowHeight, viewport, scrollTop: top }), viewport, scrollTop, onScroll };
}
