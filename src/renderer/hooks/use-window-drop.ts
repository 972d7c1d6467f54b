import { useEffect, useEffectEvent, useState } from 'react'

export type DragKind = 'files' | 'other'

export interface WindowDrop {
  files: File[]
  /** The data-drop-target of the zone it landed on, if any. */
  target: string | null
}

/**
 * Drag and drop anywhere in the window. Counting enter/leave pairs tells when a drag really
 * leaves (children fire their own pairs); every drop is taken, so a dropped file never makes
 * the window navigate to it.
 */
export function useWindowDrop(onDrop: (drop: WindowDrop) => void): DragKind | null {
  const [dragging, setDragging] = useState<DragKind | null>(null)
  const dropped = useEffectEvent(onDrop)

  useEffect(() => {
    let depth = 0
    const kindOf = (event: DragEvent): DragKind =>
      Array.from(event.dataTransfer?.types ?? []).includes('Files') ? 'files' : 'other'
    const reset = () => {
      depth = 0
      setDragging(null)
    }
    const onEnter = (event: DragEvent) => {
      event.preventDefault()
      depth++
      setDragging(kindOf(event))
    }
    const onOver = (event: DragEvent) => {
      event.preventDefault()
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy'
    }
    const onLeave = () => {
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(null)
    }
    const onDropEvent = (event: DragEvent) => {
      event.preventDefault()
      reset()
      const zone =
        event.target instanceof Element ? event.target.closest('[data-drop-target]') : null
      dropped({
        files: Array.from(event.dataTransfer?.files ?? []),
        target: zone?.getAttribute('data-drop-target') ?? null,
      })
    }
    window.addEventListener('dragenter', onEnter)
    window.addEventListener('dragover', onOver)
    window.addEventListener('dragleave', onLeave)
    window.addEventListener('drop', onDropEvent)
    window.addEventListener('dragend', reset)
    window.addEventListener('blur', reset)
    return () => {
      window.removeEventListener('dragenter', onEnter)
      window.removeEventListener('dragover', onOver)
      window.removeEventListener('dragleave', onLeave)
      window.removeEventListener('drop', onDropEvent)
      window.removeEventListener('dragend', reset)
      window.removeEventListener('blur', reset)
    }
  }, [])

  return dragging
}
