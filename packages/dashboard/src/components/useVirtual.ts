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
 * position and size and hands them to the pure window math.
 */
export function useVirtual(ref: RefObject<HTMLElement | null>, count: number, rowHeight: number): VirtualState {
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
  return { ...virtualWindow({ count, rowHeight, viewport, scrollTop }), viewport, scrollTop, onScroll };
}
