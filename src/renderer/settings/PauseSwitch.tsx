import { useState } from 'react'
import { useCompanion } from '../companion-context.ts'
import { useToast } from '../toast-context.ts'

/** Pauses or resumes every upload at once (not part of Save: it acts immediately). */
export function PauseSwitch({ paused, describedBy }: { paused: boolean; describedBy?: string }) {
  const api = useCompanion()
  const toast = useToast()
  const [busy, setBusy] = useState(false)
  const toggle = async () => {
    setBusy(true)
    const result = paused ? await api['uploads.resume']({}) : await api['uploads.pause']({})
    setBusy(false)
    if (!result.ok)
      toast({ kind: 'error', title: 'Could not change uploads', message: result.error.message })
  }
  return (
    <label className="switch-label">
      <input
        type="checkbox"
        role="switch"
        className="switch"
        checked={!paused}
        disabled={busy}
        onChange={() => void toggle()}
        aria-label="Automatic uploads"
        aria-describedby={describedBy}
      />
      <span aria-hidden="true">{paused ? 'Paused' : 'On'}</span>
    </label>
  )
}
