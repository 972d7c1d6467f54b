import { useCallback } from 'react'
import { useCompanion } from '../companion-context.ts'
import { useToast } from '../toast-context.ts'

/** Opens a page in the system browser (never in this window). */
export function useOpenExternal(): (url: string) => void {
  const api = useCompanion()
  const toast = useToast()
  return useCallback(
    (url: string) => {
      void api['app.openExternal']({ url }).then((result) => {
        if (!result.ok)
          toast({ kind: 'error', title: 'Could not open the page', message: result.error.message })
      })
    },
    [api, toast],
  )
}
