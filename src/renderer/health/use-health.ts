import { useEffect, useState } from 'react'
import type { HealthView } from '../../shared/ipc-contract.ts'
import { useCompanion } from '../companion-context.ts'
import { useCompanionEvent } from '../hooks/use-companion-event.ts'

/** The health monitor's view: loaded once, then kept current by health.changed. */
export function useHealth(): HealthView | null {
  const api = useCompanion()
  const [health, setHealth] = useState<HealthView | null>(null)
  useCompanionEvent('health.changed', setHealth)
  useEffect(() => {
    let live = true
    void api['health.get']().then((result) => {
      // An event that arrived first is newer than this answer.
      if (live && result.ok) setHealth((current) => current ?? result.value)
    })
    return () => {
      live = false
    }
  }, [api])
  return health
}
