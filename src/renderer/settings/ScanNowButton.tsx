import { useState } from 'react'
import { useCompanion } from '../companion-context.ts'
import { useToast } from '../toast-context.ts'

/** Looks through the backups folder again now (a fresh scan), instead of waiting for changes. */
export function ScanNowButton() {
  const api = useCompanion()
  const toast = useToast()
  const [busy, setBusy] = useState(false)
  const scan = async () => {
    setBusy(true)
    const result = await api['uploads.scanNow']()
    setBusy(false)
    if (result.ok)
      toast({ kind: 'info', title: 'Looking for new backups', message: 'New ones are queued.' })
    else toast({ kind: 'error', title: 'Could not look now', message: result.error.message })
  }
  return (
    <button
      type="button"
      className="button button-link"
      disabled={busy}
      onClick={() => void scan()}
    >
      Look for new backups now
    </button>
  )
}
