import { useEffect, useEffectEvent } from 'react'
import type { EventName, EventPayload } from '../../shared/ipc-contract.ts'
import { useCompanion } from '../companion-context.ts'

/** Subscribes to an engine event for the component's lifetime. */
export function useCompanionEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): void {
  const api = useCompanion()
  const onEvent = useEffectEvent(listener)
  useEffect(() => api.on(event, (payload) => onEvent(payload)), [api, event])
}
