import { useCallback, useLayoutEffect, useRef, useState, type RefObject } from 'react'

// @tanstack/react-virtual is not installed here; rows have one fixed height, so the window is a
// division away and this small hook is all the history table needs.

export interface VirtualWindowOptions {
  count: number
  rowHeight: number
  /** Space at the top of the scroller that rows never use (a sticky header). */
  headerHeight?: number
  /** Rows rendered beyond each edge, so fast scrolling shows no gaps. */
  overscan?: number
}

export interface VirtualWindow {
  scrollerRef: RefObject<HTMLDivElement | null>
  onScroll: () => void
  /** First rendered row, and one past the last. */
  start: number
  end: number
  totalHeight: number
  /** Rows that fit in the visible area: the step of Page Up and Page Down. */
  pageRows: number
  scrollToIndex: (index: number) => void
}

/** Until the scroller is measured (or where there is no layout, as in tests). */
const FALLBACK_VIEWPORT = 480

export function useVirtualWindow(options: VirtualWindowOptions): VirtualWindow {
  const { count, rowHeight, headerHeight = 0, overscan = 8 } = options
  const scrollerRef = useRef<HTMLDivElement | null>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT)

  useLayoutEffect(() => {
    const el = scrollerRef.current
    if (!el) return
    const measure = () => {
      if (el.clientHeight > 0) setViewport(el.clientHeight)
    }
    measure()
    if (typeof ResizeObserver === 'undefined') return
    const observer = new ResizeObserver(measure)
    observer.observe(el)
    return () => observer.disconnect()
  }, [])

  const onScroll = useCallback(() => {
    const el = scrollerRef.current
    if (el) setScrollTop(el.scrollTop)
  }, [])

  const body = Math.max(rowHeight, viewport - headerHeight)
  const first = Math.floor(scrollTop / rowHeight)
  const start = Math.max(0, first - overscan)
  const end = Math.min(count, Math.ceil((scrollTop + body) / rowHeight) + overscan)
  const pageRows = Math.max(1, Math.floor(body / rowHeight))

  const scrollToIndex = useCallback(
    (index: number) => {
      const el = scrollerRef.current
      if (!el) return
      const top = index * rowHeight
      const visible = Math.max(rowHeight, (el.clientHeight || viewport) - headerHeight)
      let next = el.scrollTop
      if (top < next) next = top
      else if (top + rowHeight > next + visible) next = top + rowHeight - visible
      if (next !== el.scrollTop) el.scrollTop = next
      setScrollTop(next)
    },
    [rowHeight, headerHeight, viewport],
  )

  return {
    scrollerRef,
    onScroll,
    start,
    end: Math.max(start, end),
    totalHeight: count * rowHeight,
    pageRows,
    scrollToIndex,
  }
}
