import { useState, type KeyboardEvent } from 'react'
import type { BackupView } from '../api-types.ts'
import { Icon } from '../components/Icon.tsx'
import { formatBytes } from '../format/format-bytes.ts'
import { formatDateTime } from '../format/format-time.ts'
import { rowForKey } from '../hooks/grid-keys.ts'
import { useRowVirtualizer } from '../hooks/use-row-virtualizer.ts'

export const BACKUP_ROW_HEIGHT = 48
const HEADER_HEIGHT = 32

export interface BackupListProps {
  backups: BackupView[]
  /** Where they are, for the grid's name ("Backups at …"). */
  destination: string
  /** A restore is running: Restore… waits for it. */
  busy: boolean
  onRestore: (backup: BackupView) => void
}

const rowId = (index: number) => `backup-row-${index}`

/**
 * A destination's backups as a grid that renders only the rows in view, so two thousand nightly
 * archives scroll like ten. One tab stop: arrows, Page Up/Down, Home and End choose a backup,
 * Enter restores it.
 */
export function BackupList({ backups, destination, busy, onRestore }: BackupListProps) {
  const [selected, setSelected] = useState<number | null>(null)
  const { scrollerRef, virtualizer, pageRows, scrollToRow, windowOffset } = useRowVirtualizer({
    count: backups.length,
    rowHeight: BACKUP_ROW_HEIGHT,
    headerHeight: HEADER_HEIGHT,
  })
  const items = virtualizer.getVirtualItems()

  const select = (index: number) => {
    setSelected(index)
    scrollToRow(index)
  }

  const onKeyDown = (event: KeyboardEvent) => {
    const chosen = selected === null ? undefined : backups[selected]
    if (event.key === 'Enter' && chosen) {
      event.preventDefault()
      if (!busy) onRestore(chosen)
      return
    }
    const target = rowForKey(event.key, selected, pageRows, backups.length)
    if (target !== undefined) {
      event.preventDefault()
      select(target)
    }
  }

  const active = selected !== null && items.some((item) => item.index === selected)
  return (
    <div
      ref={scrollerRef}
      className="grid backups-grid"
      role="grid"
      aria-label={`Backups at ${destination}`}
      aria-rowcount={backups.length + 1}
      aria-activedescendant={active ? rowId(selected) : undefined}
      aria-describedby="backups-keys"
      tabIndex={0}
      onKeyDown={onKeyDown}
    >
      <div className="grid-head" role="rowgroup">
        <div className="row backup-row row-head" role="row" aria-rowindex={1}>
          <div role="columnheader">Backup</div>
          <div role="columnheader" className="cell-when">
            Date
          </div>
          <div role="columnheader" className="cell-size">
            Size
          </div>
          <div role="columnheader">
            <span className="visually-hidden">Actions</span>
          </div>
        </div>
      </div>
      <div className="grid-body" role="rowgroup" style={{ height: virtualizer.getTotalSize() }}>
        <div className="grid-window" style={{ transform: `translateY(${windowOffset}px)` }}>
          {items.map((item) => (
            <BackupRow
              key={`${item.key}-${backups[item.index]!.name}`}
              backup={backups[item.index]!}
              index={item.index}
              selected={item.index === selected}
              busy={busy}
              onSelect={() => setSelected(item.index)}
              onRestore={() => onRestore(backups[item.index]!)}
            />
          ))}
        </div>
      </div>
      <p id="backups-keys" className="visually-hidden">
        Arrow keys choose a backup; Enter restores it.
      </p>
    </div>
  )
}

function BackupRow(props: {
  backup: BackupView
  index: number
  selected: boolean
  busy: boolean
  onSelect: () => void
  onRestore: () => void
}) {
  const { backup, index, selected, busy } = props
  const date = backup.time === null ? 'Date unknown' : formatDateTime(backup.time)
  return (
    <div
      className={`row backup-row${selected ? ' selected' : ''}`}
      role="row"
      id={rowId(index)}
      aria-rowindex={index + 2}
      aria-selected={selected}
      onClick={props.onSelect}
    >
      <div role="gridcell" className="cell-file">
        <span className="file-name" title={backup.name}>
          {backup.name}
        </span>
        {backup.verifiedAtUpload ? (
          <span
            className="pill pill-ok backup-badge"
            title={`${backup.checksumAlgorithm ?? 'checksum'} ${backup.contentHash ?? ''}`}
          >
            <Icon name="check" size={12} />
            Verified at upload
          </span>
        ) : (
          <span className="file-detail">No checksum recorded at upload</span>
        )}
      </div>
      <div role="gridcell" className="cell-when">
        {date}
      </div>
      <div role="gridcell" className="cell-size">
        {formatBytes(backup.size)}
      </div>
      <div role="gridcell" className="cell-action">
        <button
          type="button"
          className="button button-small"
          tabIndex={-1}
          disabled={busy}
          aria-label={`Restore ${backup.name}…`}
          onClick={(event) => {
            event.stopPropagation()
            props.onRestore()
          }}
        >
          Restore…
        </button>
      </div>
    </div>
  )
}
