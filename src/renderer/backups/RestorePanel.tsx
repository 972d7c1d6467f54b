import { ErrorNote } from '../components/ErrorNote.tsx'
import { Icon } from '../components/Icon.tsx'
import { formatBytes, formatSpeed } from '../format/format-bytes.ts'
import { formatEta } from '../format/format-duration.ts'
import type { Restore } from './use-restore.ts'

/**
 * The restore under way or just done: a progress bar with speed, time left and Cancel, then the
 * result as the engine checked it, or its error with the fix.
 */
export function RestorePanel({
  restore,
  onShowInFolder,
}: {
  restore: Restore
  onShowInFolder: () => void
}) {
  const { state } = restore
  if (state.phase === 'idle') return null
  const name = state.backup.name
  return (
    <section className="card restore-panel" aria-label={`Restore of ${name}`}>
      <div className="restore-head">
        <span className="restore-name" title={name}>
          {name}
        </span>
        {!restore.busy && (
          <button
            type="button"
            className="icon-button"
            aria-label="Close the restore result"
            onClick={restore.dismiss}
          >
            <Icon name="close" size={16} />
          </button>
        )}
      </div>
      {/* Announced as it changes: the phase, each tenth of the way, and the result. */}
      <div role="status" aria-live="polite" className="restore-body">
        <RestoreBody restore={restore} onShowInFolder={onShowInFolder} />
      </div>
    </section>
  )
}

function RestoreBody({
  restore,
  onShowInFolder,
}: {
  restore: Restore
  onShowInFolder: () => void
}) {
  const { state } = restore
  switch (state.phase) {
    case 'idle':
      return null
    case 'choosing':
      return <p className="restore-note">Choose the folder to restore it into…</p>
    case 'running': {
      const { bytesDone, size, bytesPerSecond, etaSeconds } = state.progress
      const done = Math.min(bytesDone, size)
      const tenth = size > 0 ? Math.floor((done / size) * 10) * 10 : 0
      const facts = [
        `${formatBytes(done)} of ${formatBytes(size)}`,
        bytesPerSecond > 0 ? formatSpeed(bytesPerSecond) : null,
        formatEta(etaSeconds),
      ].filter((fact): fact is string => fact !== null)
      return (
        <>
          <progress
            className="progress"
            max={size || 1}
            value={done}
            aria-label={`Restoring ${state.backup.name}`}
          />
          <div className="restore-facts">
            <span aria-hidden="true">{facts.join(' · ')}</span>
            <span className="visually-hidden">Restoring: {tenth}% done</span>
            <button
              type="button"
              className="button button-small"
              disabled={state.cancelling}
              onClick={restore.cancel}
            >
              {state.cancelling ? 'Cancelling…' : 'Cancel restore'}
            </button>
          </div>
        </>
      )
    }
    case 'restored': {
      const { verified, verifiedBy, localPath } = state.restore
      return (
        <>
          {verified ? (
            <p className="restore-result restore-ok">
              <Icon name="checkCircle" size={16} />
              <span>Restored and verified ({verifiedBy})</span>
            </p>
          ) : (
            <p className="restore-result restore-warning">
              <Icon name="alert" size={16} />
              <span>
                Restored, checked by size only: no checksum could be compared ({verifiedBy}).
              </span>
            </p>
          )}
          <p className="restore-path">
            Saved as <span className="path-text">{localPath}</span>
          </p>
          <div className="card-actions">
            <button type="button" className="button button-primary" onClick={onShowInFolder}>
              <Icon name="folder" size={16} />
              Show in folder
            </button>
          </div>
        </>
      )
    }
    case 'failed':
      return <ErrorNote error={state.error} />
    case 'cancelled':
      return <p className="restore-note">Restore cancelled: nothing was saved.</p>
  }
}
