import { useEffect, type KeyboardEvent } from 'react'
import type { JobView } from '../api-types.ts'
import { destinationLabel, type Destination } from '../destinations.ts'
import type { HistoryPages } from '../hooks/use-history.ts'
import { rowForKey } from '../hooks/grid-keys.ts'
import { useRowVirtualizer } from '../hooks/use-row-virtualizer.ts'
import { HistoryRow, ROW_HEIGHT, rowDomId } from './HistoryRow.tsx'

const HEADER_HEIGHT = 32

export interface HistoryTableProps {
  history: HistoryPages
  total: number
  selectedIndex: number | null
  destinations: Destination[]
  onSelect: (index: number) => void
  onClearSelection: () => void
  onRetry: (job: JobView) => void
  onCancel: (job: JobView) => void
}

/**
 * The upload history as a grid that renders only the rows in view (plus a margin), so ten
 * thousand uploads scroll as smoothly as ten. One tab stop; arrows, Page Up/Down, Home and
 * End move the selection, Escape clears it.
 */
export function HistoryTable(props: HistoryTableProps) {
  const { history, total, selectedIndex, destinations, onSelect } = props
  const { scrollerRef, virtualizer, pageRows, scrollToRow, measureRow, windowOffset } =
    useRowVirtualizer({
      count: total,
      rowHeight: ROW_HEIGHT,
      headerHeight: HEADER_HEIGHT,
    })
  const { want } = history
  const items = virtualizer.getVirtualItems()
  const start = items[0]?.index ?? 0
  const end = (items.at(-1)?.index ?? -1) + 1

  useEffect(() => want(start, end), [want, start, end])

  const select = (index: number) => {
    const clamped = Math.max(0, Math.min(total - 1, index))
    onSelect(clamped)
    scrollToRow(clamped)
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && selectedIndex !== null) {
      event.preventDefault()
      props.onClearSelection()
      return
    }
    const target = rowForKey(event.key, selectedIndex, pageRows, total)
    if (target !== undefined) {
      event.preventDefault()
      select(target)
    }
  }

  const rows = []
  for (let i = start; i < end; i++) {
    const job = history.rowAt(i)
    rows.push(
      <HistoryRow
        key={job ? `job-${job.id}` : `slot-${i}`}
        job={job}
        index={i}
        rowRef={measureRow}
        selected={i === selectedIndex}
        destination={job ? destinationLabel(job.connectionId, destinations) : ''}
        onSelect={() => select(i)}
        onRetry={() => job && props.onRetry(job)}
        onCancel={() => job && props.onCancel(job)}
      />,
    )
  }

  const active = selectedIndex !== null && selectedIndex >= start && selectedIndex < end
  return (
    <div
      ref={scrollerRef}
      className="grid history-grid"
      role="grid"
      aria-label="Upload history"
      aria-rowcount={total + 1}
      aria-activedescendant={active ? rowDomId(selectedIndex) : undefined}
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="grid-head" role="rowgroup">
        <div className="row row-head" role="row" aria-rowindex={1}>
          <div role="columnheader" className="cell-status">
            Status
          </div>
          <div role="columnheader" className="cell-file">
            Backup
          </div>
          <div role="columnheader" className="cell-size">
            Size
          </div>
          <div role="columnheader" className="cell-when">
            When
          </div>
          <div role="columnheader" className="cell-action">
            <span className="visually-hidden">Actions</span>
          </div>
        </div>
      </div>
      <div className="grid-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
        <div className="grid-window" style={{ transform: `translateY(${windowOffset}px)` }}>
          {rows}
        </div>
      </div>
    </div>
  )
}
