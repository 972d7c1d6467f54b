import type { RemovalView } from '../api-types.ts'
import { destinationLabel, type Destination } from '../destinations.ts'
import { Icon } from '../components/Icon.tsx'
import { formatFullTime, formatWhen } from '../format/format-time.ts'

export interface RemovedByRetentionProps {
  removals: RemovalView[]
  destinations: Destination[]
}

/**
 * Backups retention deleted that no upload of this app had put there (copied by hand, another
 * tool, an older install). Ours show as "pruned" on their own rows; these have no row, and a
 * deletion the brewer cannot see in the history is what the issue forbids.
 */
export function RemovedByRetention({ removals, destinations }: RemovedByRetentionProps) {
  if (removals.length === 0) return null
  return (
    <section className="removed-by-retention" aria-labelledby="removed-heading">
      <h3 id="removed-heading">Removed by retention</h3>
      <ul aria-label="Removed by retention">
        {removals.map((removal) => (
          <li key={removal.id} className="removal">
            <Icon name="cancelled" size={16} />
            <span className="file-name" title={removal.path}>
              {removal.name}
            </span>
            <span className="file-detail">
              {destinationLabel(removal.connectionId, destinations)} · {removal.text}
            </span>
            <span className="cell-when" title={formatFullTime(removal.removedAt)}>
              {formatWhen(removal.removedAt)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
