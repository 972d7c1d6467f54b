import type { StatusView } from '../api-types.ts'
import { useLiveView } from './use-live-view.ts'

/** The engine's status: loaded once, then kept current by status.changed. */
export function useStatus(): StatusView | null {
  return useLiveView('status.get', 'status.changed')
}
