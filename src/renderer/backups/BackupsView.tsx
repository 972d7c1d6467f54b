import { useState } from 'react'
import { EmptyState } from '../components/EmptyState.tsx'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { Icon } from '../components/Icon.tsx'
import type { Destination } from '../destinations.ts'
import { useToast } from '../toast-context.ts'
import { BackupList } from './BackupList.tsx'
import { RestoreGuidance } from './RestoreGuidance.tsx'
import { RestorePanel } from './RestorePanel.tsx'
import { useBackupList } from './use-backup-list.ts'
import { useRestore } from './use-restore.ts'

export interface BackupsViewProps {
  /** Every destination: each account and the local folder. */
  destinations: Destination[]
  /** False until connections and settings have loaded. */
  loaded: boolean
  onGoToConnections: () => void
}

/** "Backups in the cloud": what a destination holds, and getting one back, checked. */
export function BackupsView({ destinations, loaded, onGoToConnections }: BackupsViewProps) {
  const toast = useToast()
  const [picked, setPicked] = useState<string | null>(null)
  const destination = destinations.find((d) => d.id === picked) ?? destinations[0] ?? null
  const list = useBackupList(destination?.id ?? null)
  const restore = useRestore()

  const showInFolder = async () => {
    const error = await restore.showInFolder()
    if (error) toast({ kind: 'error', title: 'Could not show the file', message: error.message })
  }

  let body
  if (!destination) {
    body = loaded && (
      <EmptyState
        icon="cloud"
        title="No destinations yet"
        actions={
          <button type="button" className="button button-primary" onClick={onGoToConnections}>
            Go to Connections
          </button>
        }
      >
        Connect an account or set a local folder: its backups are listed here.
      </EmptyState>
    )
  } else if (list.error) {
    body = <ErrorNote error={list.error} />
  } else if (list.backups === null) {
    body = (
      <p className="backups-loading" role="status">
        Reading the backups at {destination.label}…
      </p>
    )
  } else if (list.backups.length === 0) {
    body = (
      <EmptyState icon="cloud" title="No backups there yet">
        Backups appear here once they are uploaded to {destination.label}.
      </EmptyState>
    )
  } else {
    body = (
      <div className="history-frame backups-frame">
        <BackupList
          backups={list.backups}
          destination={destination.label}
          busy={restore.busy}
          onRestore={restore.start}
        />
      </div>
    )
  }

  return (
    <div className="view view-backups">
      <section className="backups" aria-labelledby="backups-heading">
        <div className="section-head">
          <h2 id="backups-heading" className="section-title">
            Backups in the cloud
            {list.backups && list.backups.length > 0 && (
              <span className="count">{list.backups.length.toLocaleString()}</span>
            )}
          </h2>
          {destination && (
            <div className="toolbar">
              <label htmlFor="backups-destination" className="toolbar-label">
                Destination
              </label>
              <select
                id="backups-destination"
                className="select"
                value={destination.id}
                onChange={(event) => setPicked(event.target.value)}
              >
                {destinations.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.label}
                  </option>
                ))}
              </select>
              <button
                type="button"
                className="icon-button"
                aria-label="Read the list again"
                disabled={list.loading}
                onClick={list.reload}
              >
                <Icon name="retry" size={16} />
              </button>
            </div>
          )}
        </div>
        <RestorePanel restore={restore} onShowInFolder={() => void showInFolder()} />
        {body}
      </section>
      <RestoreGuidance />
    </div>
  )
}
