import { useCallback, useState } from 'react'
import type { BackupView, ErrorInfo, RestoreProgressView, RestoreView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useCompanionEvent } from '../hooks/use-companion-event.ts'

export type RestoreState =
  | { phase: 'idle' }
  /** Main's folder picker is open. */
  | { phase: 'choosing'; backup: BackupView }
  | {
      phase: 'running'
      backup: BackupView
      restoreId: number
      progress: RestoreProgressView
      cancelling: boolean
    }
  | { phase: 'restored'; backup: BackupView; restore: RestoreView }
  | { phase: 'failed'; backup: BackupView; error: ErrorInfo }
  | { phase: 'cancelled'; backup: BackupView }

export interface Restore {
  state: RestoreState
  /** True from Restore… until the result: one restore at a time. */
  busy: boolean
  start: (backup: BackupView) => void
  cancel: () => void
  showInFolder: () => Promise<ErrorInfo | null>
  dismiss: () => void
}

/**
 * One restore at a time: main picks the folder, reports progress by event, and answers the
 * command with the result. The window sends a backup's name and a restore's id, never a path.
 */
export function useRestore(): Restore {
  const api = useCompanion()
  const [state, setState] = useState<RestoreState>({ phase: 'idle' })

  useCompanionEvent('backups.restoreProgress', (progress) =>
    setState((current) => {
      if (current.phase !== 'choosing' && current.phase !== 'running') return current
      const { backup } = current
      if (progress.connectionId !== backup.connectionId || progress.name !== backup.name)
        return current
      if (current.phase === 'running' && current.restoreId !== progress.restoreId) return current
      const cancelling = current.phase === 'running' && current.cancelling
      return { phase: 'running', backup, restoreId: progress.restoreId, progress, cancelling }
    }),
  )

  const start = useCallback(
    (backup: BackupView) => {
      setState({ phase: 'choosing', backup })
      const { connectionId, name } = backup
      void api['backups.restore']({ connectionId, name }).then((result) =>
        setState((current) => {
          if (!result.ok) return { phase: 'failed', backup, error: result.error }
          if (result.value.outcome === 'restored')
            return { phase: 'restored', backup, restore: result.value.restore }
          // A cancelled picker leaves nothing to say; a cancelled download says it stopped.
          return current.phase === 'running' ? { phase: 'cancelled', backup } : { phase: 'idle' }
        }),
      )
    },
    [api],
  )

  const cancel = useCallback(() => {
    if (state.phase !== 'running' || state.cancelling) return
    setState({ ...state, cancelling: true })
    // A restore that finished meanwhile is simply unknown now: its result is on its way.
    void api['backups.cancelRestore']({ restoreId: state.restoreId })
  }, [api, state])

  const showInFolder = useCallback(async () => {
    if (state.phase !== 'restored') return null
    const result = await api['backups.showInFolder']({ restoreId: state.restore.restoreId })
    return result.ok ? null : result.error
  }, [api, state])

  const dismiss = useCallback(() => setState({ phase: 'idle' }), [])
  const busy = state.phase === 'choosing' || state.phase === 'running'
  return { state, busy, start, cancel, showInFolder, dismiss }
}
