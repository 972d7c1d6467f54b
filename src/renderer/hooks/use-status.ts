import { useEffect, useState } from 'react'
import type { StatusView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useCompanionEvent } from './use-companion-event.ts'

/** The engine's status: loaded once, then kept current by status.changed. */
export function useStatus(): StatusView | null {
  const api = useCompanion()
  const [status, setStatus] = useState<StatusView | null>(null)
  useCompanionEvent('status.changed', setStatus)
  useEffect(() => {
    let live = true
    void api['status.get']().then((result) => {
      // An event that arrived first is newer than this answer.
      if (live && result.ok) setStatus((current) => current ?? result.value)
    })
    return () => {
      live = false
    }
  }, [api])
  return status
}
