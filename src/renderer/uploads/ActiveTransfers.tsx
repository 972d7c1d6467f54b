import type { CSSProperties } from 'react'
import type { Destination } from '../destinations.ts'
import { destinationLabel } from '../destinations.ts'
import { useCompanion } from '../companion-context.ts'
import type { Transfer } from '../hooks/use-active-transfers.ts'
import { useToast } from '../toast-context.ts'
import { TransferRow } from './TransferRow.tsx'

export interface ActiveTransfersProps {
  transfers: Transfer[] | null
  waiting: number
  paused: boolean
  /** Rows of space kept free, so the history below does not jump as uploads start and end. */
  slots: number
  destinations: Destination[]
}

export function ActiveTransfers(props: ActiveTransfersProps) {
  const { transfers, waiting, paused, slots, destinations } = props
  const api = useCompanion()
  const toast = useToast()

  const cancel = async (jobId: number, name: string) => {
    const result = await api['uploads.cancel']({ jobId })
    if (!result.ok)
      toast({ kind: 'error', title: `Could not cancel ${name}`, message: result.error.message })
  }

  const list = transfers ?? []
  return (
    <section className="transfers" aria-labelledby="transfers-heading">
      <div className="section-head">
        <h2 id="transfers-heading" className="section-title">
          Uploading now
        </h2>
        {waiting > 0 && (
          <span className="muted small">
            {waiting} {paused ? 'waiting (paused)' : 'more waiting'}
          </span>
        )}
      </div>
      <div className="transfer-slots" style={{ '--slots': slots } as CSSProperties}>
        {list.length === 0 ? (
          <p className="transfer-idle">
            {transfers === null
              ? ' '
              : paused
                ? 'Uploads are paused. Resume them to carry on where they stopped.'
                : 'Nothing uploading right now. New Fermentrack backups start here by themselves, or drop a backup file here.'}
          </p>
        ) : (
          <ul className="transfer-list" aria-label="Uploads in progress">
            {list.map((transfer) => (
              <TransferRow
                key={transfer.job.id}
                transfer={transfer}
                destination={destinationLabel(transfer.job.connectionId, destinations)}
                onCancel={() => void cancel(transfer.job.id, transfer.job.name)}
              />
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}
