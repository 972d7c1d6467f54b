import { useCallback, useEffect, useState } from 'react'
import type { BackupView, ErrorInfo } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'

export interface BackupList {
  /** null while the first answer is awaited. */
  backups: BackupView[] | null
  error: ErrorInfo | null
  loading: boolean
  reload: () => void
}

/** The backups at one destination, newest first as the engine lists them. */
export function useBackupList(connectionId: string | null): BackupList {
  const api = useCompanion()
  const [answer, setAnswer] = useState<{
    connectionId: string
    backups: BackupView[] | null
    error: ErrorInfo | null
  } | null>(null)
  const [round, setRound] = useState(0)
  const [loading, setLoading] = useState(false)

  useEffect(() => {
    if (connectionId === null) return
    let live = true
    setLoading(true)
    void api['backups.list']({ connectionId }).then((result) => {
      if (!live) return
      setLoading(false)
      setAnswer(
        result.ok
          ? { connectionId, backups: result.value, error: null }
          : { connectionId, backups: null, error: result.error },
      )
    })
    return () => {
      live = false
    }
  }, [api, connectionId, round])

  const reload = useCallback(() => setRound((n) => n + 1), [])
  // An answer for the destination shown before is not this one's.
  const current = answer?.connectionId === connectionId ? answer : null
  return {
    backups: current?.backups ?? null,
    error: current?.error ?? null,
    loading,
    reload,
  }
}
