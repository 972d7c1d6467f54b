import type { HealthView } from '../../shared/ipc-contract.ts'
import { useLiveView } from '../hooks/use-live-view.ts'

/** The health monitor's view: loaded once, then kept current by health.changed. */
export function useHealth(): HealthView | null {
  return useLiveView('health.get', 'health.changed')
}
