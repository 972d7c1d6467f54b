import {
  observeElementRect,
  useVirtualizer,
  type Virtualizer,
  type VirtualizerOptions,
} from '@tanstack/react-virtual'
import { useRef, type RefObject } from 'react'

/** Until the scroller is measured (or where there is no layout, as in tests). */
const FALLBACK_VIEWPORT = 480

type Scroller = HTMLDivElement

/**
 * The rect of the scroller, or a plausible one while it has no height yet: without layout the
 * library would see a 0-pixel viewport and render no rows at all.
 */
const observeRectWithFallback: VirtualizerOptions<Scroller, Element>['observeElementRect'] = (
  instance,
  report,
) =>
  observeElementRect(instance, (rect) =>
    report(rect.height > 0 ? rect : { width: rect.width, height: FALLBACK_VIEWPORT }),
  )

export interface RowVirtualizer {
  scrollerRef: RefObject<Scroller | null>
  virtualizer: Virtualizer<Scroller, Element>
}

/** Fixed-height rows in a scrolling element, rendered only in and near the view. */
export function useRowVirtualizer(options: {
  count: number
  rowHeight: number
  /** Space at the top of the scroller that rows never use (a sticky header). */
  headerHeight?: number
  overscan?: number
}): RowVirtualizer {
  const scrollerRef = useRef<Scroller | null>(null)
  const { count, rowHeight, headerHeight = 0, overscan = 8 } = options
  const virtualizer = useVirtualizer<Scroller, Element>({
    count,
    getScrollElement: () => scrollerRef.current,
    estimateSize: () => rowHeight,
    overscan,
    // The rows start below the header, and scrolling to a row keeps it out from under it.
    scrollMargin: headerHeight,
    scrollPaddingStart: headerHeight,
    observeElementRect: observeRectWithFallback,
  })
  return { scrollerRef, virtualizer }
}
