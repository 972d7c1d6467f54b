import { useCallback } from 'react'
import { useCompanion } from '../companion-context.ts'
import { useToast } from '../toast-context.ts'

/** The native folder picker; null when cancelled (or on error, which is shown). */
export function useChooseFolder(): () => Promise<string | null> {
  const api = useCompanion()
  const toast = useToast()
  return useCallback(async () => {
    const result = await api['dialog.chooseFolder']()
    if (result.ok) return result.value
    toast({ kind: 'error', title: 'Could not choose a folder', message: result.error.message })
    return null
  }, [api, toast])
}
