import { useVirtualizer } from '@tanstack/react-virtual'
import { useRef } from 'react'
import type { RetentionPreview } from '../../shared/ipc-contract.ts'
import { formatFullTime, formatWhen } from '../format/format-time.ts'

type Previewed = RetentionPreview['remove'][number]

/** Past this many rows the list is virtualized: a year of nightly backups is 365 of them. */
const PLAIN_MAX = 60
const ROW_HEIGHT = 30

/** Backups with the rule that lets each go (or keeps it): the name, its time, the reason. */
export function PreviewList(props: { label: string; items: Previewed[]; tone: 'remove' | 'keep' }) {
  const { label, items, tone } = props
  if (items.length <= PLAIN_MAX)
    return (
      <ul className={`preview-list preview-${tone}`} aria-label={label}>
        {items.map((item) => (
          <PreviewRow key={item.path} item={item} />
        ))}
      </ul>
    )
  return <LongPreviewList {...props} />
}

function LongPreviewList({ label, items, tone }: Parameters<typeof PreviewList>[0]) {
  const scroller = useRef<HTMLDivElement>(null)
  const virtual = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  })
  return (
    <div ref={scroller} className="preview-scroller">
      <ul
        className={`preview-list preview-${tone}`}
        aria-label={label}
        style={{ height: virtual.getTotalSize(), position: 'relative' }}
      >
        {virtual.getVirtualItems().map((row) => (
          <PreviewRow
            key={items[row.index]!.path}
            item={items[row.index]!}
            style={{ position: 'absolute', top: row.start, left: 0, right: 0, height: ROW_HEIGHT }}
          />
        ))}
      </ul>
    </div>
  )
}

function PreviewRow({ item, style }: { item: Previewed; style?: React.CSSProperties }) {
  return (
    <li className="preview-row" style={style}>
      <span className="preview-name mono ellipsis" title={item.path}>
        {item.name}
      </span>
      {item.source !== null && <span className="pill muted">{item.source}</span>}
      {item.time !== null && (
        <span className="preview-time muted small" title={formatFullTime(item.time)}>
          {formatWhen(item.time)}
        </span>
      )}
      <span className="pill">{item.why}</span>
    </li>
  )
}
