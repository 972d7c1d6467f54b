import type { SettingsView, StatusView } from '../api-types.ts'
import type { Destination } from '../destinations.ts'
import type { Transfer } from '../hooks/use-active-transfers.ts'
import { LastBackup } from '../health/LastBackup.tsx'
import { isPausedAll } from '../status-summary.ts'
import { ActiveTransfers } from './ActiveTransfers.tsx'
import { HistoryPanel } from './HistoryPanel.tsx'
import { SetupChecklist } from './SetupChecklist.tsx'

export interface UploadsViewProps {
  status: StatusView | null
  settings: SettingsView | null
  transfers: Transfer[] | null
  destinations: Destination[]
  /** False until connections and settings have loaded, so no checklist flashes by. */
  loaded: boolean
  onGoToConnections: () => void
  onChooseWatchFolder: () => void
}

export function UploadsView(props: UploadsViewProps) {
  const { status, settings, transfers, destinations, loaded } = props
  const hasDestination = destinations.length > 0
  const hasWatchFolder = (settings?.sources.length ?? 0) > 0
  const setupDone = !loaded || (hasDestination && hasWatchFolder)
  return (
    <div className="view view-uploads">
      <div className="view-head uploads-head">
        <h1>Uploads</h1>
        <LastBackup />
      </div>
      {loaded && (
        <SetupChecklist
          hasDestination={hasDestination}
          hasWatchFolder={hasWatchFolder}
          onConnect={props.onGoToConnections}
          onChooseWatchFolder={props.onChooseWatchFolder}
        />
      )}
      <ActiveTransfers
        transfers={transfers}
        waiting={status?.counts.queued ?? 0}
        paused={isPausedAll(status)}
        slots={Math.min(settings?.concurrency ?? 2, 2)}
        destinations={destinations}
      />
      <HistoryPanel
        destinations={destinations}
        failedCount={status?.counts.failed ?? 0}
        setupDone={setupDone}
      />
    </div>
  )
}
