import { useEffect, useState } from 'react'
import type { ErrorInfo, SettingsView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useCompanionEvent } from './use-companion-event.ts'

export interface SettingsState {
  settings: SettingsView | null
  loadError: ErrorInfo | null
  /** Takes a value settings.update returned, without waiting for settings.changed. */
  apply: (settings: SettingsView) => void
}

/** The saved settings, kept current by settings.changed (from this window or the tray). */
export function useSettings(): SettingsState {
  const api = useCompanion()
  const [settings, setSettings] = useState<SettingsView | null>(null)
  const [loadError, setLoadError] = useState<ErrorInfo | null>(null)
  useCompanionEvent('settings.changed', setSettings)
  useEffect(() => {
    let live = true
    void api['settings.get']().then((result) => {
      if (!live) return
      if (result.ok) setSettings((current) => current ?? result.value)
      else setLoadError(result.error)
    })
    return () => {
      live = false
    }
  }, [api])
  return { settings, loadError, apply: setSettings }
}
