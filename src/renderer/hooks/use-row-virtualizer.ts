import {
  observeElementOffset,
  observeElementRect,
  useVirtualizer,
  type Virtualizer,
  type VirtualizerOptions,
} from '@tanstack/react-virtual'
import { useCallback, useRef, type RefObject } from 'react'

/** Until the scroller is measured (or where there is no layout, as in tests). */
const FALLBACK_VIEWPORT = 480

type Scroller = HTMLDivElement
type Options = VirtualizerOptions<Scroller, Element>
type OffsetListener = Parameters<Options['observeElementOffset']>[1]

/**
 * The rect of the scroller, or a plausible one while it has no height yet: without layout the
 * library would see a 0-pixel viewport and render no rows at all.
 */
const observeRectWithFallback: Options['observeElementRect'] = (instance, report) =>
  observeElementRect(instance, (rect) =>
    report(rect.height > 0 ? rect : { width: rect.width, height: FALLBACK_VIEWPORT }),
  )

/** Each virtualizer's offset listener, so a keyboard move's scroll is reported at once. */
const offsetListeners = new WeakMap<Virtualizer<Scroller, Element>, OffsetListener>()

const observeOffsetAndKeep: Options['observeElementOffset'] = (instance, report) => {
  offsetListeners.set(instance, report)
  const stop = observeElementOffset(instance, report)
  return () => {
    offsetListeners.delete(instance)
    stop?.()
  }
}

export interface RowVirtualizer {
  scrollerRef: RefObject<Scroller | null>
  virtualizer: Virtualizer<Scroller, Element>
  /** Rows that fit in the visible area: the step of Page Up and Page Down. */
  pageRows: number
  /** Scrolls just enough to show the row (a keyboard move), as native lists do. */
  scrollToRow: (index: number) => void
  /**
   * The ref for a row whose height varies (it needs `data-index`): the row is measured once
   * rendered and again when it resizes. Rows without it count as `rowHeight`.
   */
  measureRow: (element: Element | null) => void
  /** Where the rendered window of rows starts below the header. */
  windowOffset: number
}

/** Rows in a scrolling element, rendered only in and near the view. */
export function useRowVirtualizer(options: {
  count: number
  /** A row's height, or the estimate for rows that are measured (measureRow). */
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
    observeElementOffset: observeOffsetAndKeep,
    // Without layout (tests) an element measures 0: keep the estimate rather than collapse it.
    measureElement: (element) => element.getBoundingClientRect().height || rowHeight,
  })
  const viewport = virtualizer.scrollRect?.height || FALLBACK_VIEWPORT
  const pageRows = Math.max(1, Math.floor((viewport - headerHeight) / rowHeight))

  // Where a row is comes from the library's measurements (measured rows, estimates for the
  // rest). Its own scrollToIndex clamps to the scroller's measured height, which a DOM without
  // layout lacks; and the new offset is reported at once, so the row renders without waiting.
  const scrollToRow = useCallback(
    (index: number) => {
      const element = scrollerRef.current
      if (!element) return
      const row = virtualizer.measurementsCache[index]
      const top = row ? row.start - headerHeight : index * rowHeight
      const height = row?.size ?? rowHeight
      const visible = Math.max(height, (element.clientHeight || viewport) - headerHeight)
      let next = element.scrollTop
      if (top < next) next = top
      else if (top + height > next + visible) next = top + height - visible
      if (next !== element.scrollTop) element.scrollTop = next
      offsetListeners.get(virtualizer)?.(next, false)
    },
    [rowHeight, headerHeight, viewport, virtualizer],
  )
  const first = virtualizer.getVirtualItems()[0]
  const windowOffset = first ? first.start - headerHeight : 0
  return {
    scrollerRef,
    virtualizer,
    pageRows,
    scrollToRow,
    measureRow: virtualizer.measureElement,
    windowOffset,
  }
}
