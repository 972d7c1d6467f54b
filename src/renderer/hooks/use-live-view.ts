import { useEffect, useState } from 'react'
import type {
  CommandName,
  CommandOutput,
  CommandResult,
  EventName,
  EventPayload,
} from '../../shared/ipc-contract.ts'
import { useCompanion } from '../companion-context.ts'
import { useCompanionEvent } from './use-companion-event.ts'

/** A command without input whose answer is the same view as the event's payload. */
type ViewCommand<E extends EventName> = {
  [C in CommandName]: CommandOutput<C> extends EventPayload<E> ? C : never
}[CommandName]

/** A view main keeps: loaded once with `command`, then kept current by `event`. */
export function useLiveView<E extends EventName>(
  command: ViewCommand<E>,
  event: E,
): EventPayload<E> | null {
  const api = useCompanion()
  const [view, setView] = useState<EventPayload<E> | null>(null)
  useCompanionEvent(event, setView)
  useEffect(() => {
    let live = true
    const load = api[command] as () => Promise<CommandResult<typeof command>>
    void load().then((result) => {
      // An event that arrived first is newer than this answer.
      if (live && result.ok) setView((current) => current ?? (result.value as EventPayload<E>))
    })
    return () => {
      live = false
    }
  }, [api, command])
  return view
}
