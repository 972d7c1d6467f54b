import type { StatusView } from '../api-types.ts'
import { isPausedAll, summarizeStatus, watchText } from '../status-summary.ts'
import { Icon } from './Icon.tsx'

export interface StatusBarProps {
  status: StatusView | null
  /** No destination or no watched folder yet: nothing is being backed up. */
  setupNeeded: boolean
  busy: boolean
  onPause: () => void
  onResume: () => void
}

/** The header: overall state, the watched folder, and the one global control, pause. */
export function StatusBar({ status, setupNeeded, busy, onPause, onResume }: StatusBarProps) {
  const summary = summarizeStatus(status, setupNeeded)
  const paused = isPausedAll(status)
  const watch = status?.watch
  return (
    <header className={`status-bar tone-${summary.tone}`}>
      <div className="status-main" role="status" aria-live="polite">
        <span className="status-icon">
          <Icon name={summary.icon} size={22} />
        </span>
        <div className="status-text">
          <strong className="status-title">{summary.title}</strong>
          <span className="status-detail">
            {watch && (
              <span className={`watch watch-${watch.state}`} title={watch.folder ?? undefined}>
                <Icon name="folder" size={14} />
                <span className="ellipsis">{watchText(watch)}</span>
              </span>
            )}
            {summary.detail && <span className="status-queue">{summary.detail}</span>}
          </span>
        </div>
      </div>
      {status && (
        <button
          type="button"
          className="button status-toggle"
          onClick={paused ? onResume : onPause}
          disabled={busy}
        >
          <Icon name={paused ? 'play' : 'pause'} size={16} />
          {paused ? 'Resume uploads' : 'Pause uploads'}
        </button>
      )}
    </header>
  )
}
