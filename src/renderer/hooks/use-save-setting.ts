import { useCallback } from 'react'
import type { SettingsView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { useToast } from '../toast-context.ts'

/** Saves one change at once (a folder picked outside the Settings form); true if saved. */
export function useSaveSetting(): (change: Partial<SettingsView>) => Promise<boolean> {
  const api = useCompanion()
  const toast = useToast()
  return useCallback(
    async (change: Partial<SettingsView>) => {
      const result = await api['settings.update'](change)
      if (!result.ok)
        toast({ kind: 'error', title: 'Could not save the setting', message: result.error.message })
      return result.ok
    },
    [api, toast],
  )
}
