import { useEffect, useState } from 'react'
import type { RetentionPolicy } from '../../shared/settings-schema.ts'
import type { ErrorInfo } from '../api-types.ts'
import type { RetentionPreview } from '../../shared/ipc-contract.ts'
import { useCompanion } from '../companion-context.ts'

/** Typing "12" asks once, not for "1" and then "12": main lists the destination for each ask. */
export const PREVIEW_DELAY_MS = 400

export interface PreviewState {
  preview: RetentionPreview | null
  error: ErrorInfo | null
  loading: boolean
}

/**
 * What the draft policy would remove at one destination, asked again (after a pause in typing)
 * whenever the draft or the destination changes. An answer to an older draft is dropped.
 */
export function useRetentionPreview(
  connectionId: string | null,
  policy: RetentionPolicy | null,
  /** Bumped to ask again for the same draft: after Prune now, say. */
  version = 0,
): PreviewState {
  const api = useCompanion()
  const [state, setState] = useState<PreviewState>({ preview: null, error: null, loading: false })
  const key = JSON.stringify(policy)
  useEffect(() => {
    if (connectionId === null || policy === null) return
    let live = true
    setState((s) => ({ ...s, loading: true }))
    const timer = setTimeout(() => {
      void api['retention.preview']({ connectionId, policy }).then((result) => {
        if (!live) return
        if (result.ok) setState({ preview: result.value, error: null, loading: false })
        else setState({ preview: null, error: result.error, loading: false })
      })
    }, PREVIEW_DELAY_MS)
    return () => {
      live = false
      clearTimeout(timer)
    }
    // The policy is compared by value: a re-render with an equal draft asks nothing.
  }, [api, connectionId, key, version])
  return state
}
