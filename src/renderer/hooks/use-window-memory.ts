import { useCallback, useEffect, useState } from 'react'
import type { WindowMemory, WindowMemoryChange } from '../../shared/ipc-contract.ts'
import { useCompanion } from '../companion-context.ts'

export interface WindowMemoryState {
  /** null until read (or when it can't be: the window then starts as new). */
  memory: WindowMemory | null
  remember: (change: WindowMemoryChange) => void
}

/** The last section and the closed banners, kept by main between runs. */
export function useWindowMemory(): WindowMemoryState {
  const api = useCompanion()
  const [memory, setMemory] = useState<WindowMemory | null>(null)
  useEffect(() => {
    let live = true
    void api['window.memory']().then((result) => {
      if (live && result.ok) setMemory(result.value)
    })
    return () => {
      live = false
    }
  }, [api])
  // Remembering is a convenience: a failure costs only the memory, so it is not reported.
  const remember = useCallback(
    (change: WindowMemoryChange) =>
      void api['window.remember'](change).then((result) => {
        if (result.ok) setMemory(result.value)
      }),
    [api],
  )
  return { memory, remember }
}
