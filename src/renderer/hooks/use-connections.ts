import { useCallback, useEffect, useState } from 'react'
import type { Connection, ErrorInfo, ProviderView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useCompanionEvent } from './use-companion-event.ts'

export interface ConnectionsState {
  connections: Connection[] | null
  providers: ProviderView[] | null
  loadError: ErrorInfo | null
}

/** Connections and providers; connections.changed keeps both fresh. */
export function useConnections(): ConnectionsState {
  const api = useCompanion()
  const [connections, setConnections] = useState<Connection[] | null>(null)
  const [providers, setProviders] = useState<ProviderView[] | null>(null)
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null)

  const loadProviders = useCallback(async () => {
    const result = await api['providers.list']()
    if (result.ok) setProviders(result.value)
    else setLoadError(result.error)
  }, [api])

  useCompanionEvent('connections.changed', (list) => {
    setConnections(list)
    void loadProviders()
  })
  // A provider configured in Settings may have become connectable (or stopped being).
  useCompanionEvent('providers.changed', setProviders)

  useEffect(() => {
    let live = true
    void api['connections.list']().then((result) => {
      if (!live) return
      if (result.ok) setConnections((current) => current ?? result.value)
      else setLoadError(result.error)
    })
    void loadProviders()
    return () => {
      live = false
    }
  }, [api, loadProviders])

  return { connections, providers, loadError }
}
