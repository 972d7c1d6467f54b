import { useState } from 'react'
import type { RetentionPreview } from '../../shared/ipc-contract.ts'
import { useCompanion } from '../companion-context.ts'
import { ConfirmDialog } from '../components/ConfirmDialog.tsx'
import { useToast } from '../toast-context.ts'
import { PreviewList } from './PreviewList.tsx'

/**
 * Prune now, with the saved policy: a confirmation listing exactly what goes, and main deletes
 * only that list (if the destination changed meanwhile, it deletes nothing and says so).
 */
export function PruneNow(props: {
  preview: RetentionPreview
  destination: string
  onDone: () => void
}) {
  const { preview, destination, onDone } = props
  const api = useCompanion()
  const toast = useToast()
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const n = preview.remove.length
  const backups = `${n} ${n === 1 ? 'backup' : 'backups'}`

  const prune = async () => {
    setBusy(true)
    const result = await api['retention.pruneNow']({
      connectionId: preview.connectionId,
      paths: preview.remove.map((r) => r.path),
    })
    setBusy(false)
    setConfirming(false)
    if (result.ok)
      toast({
        kind: 'success',
        title: `Removed ${result.value.removed === 1 ? '1 backup' : `${result.value.removed} backups`}`,
        message: `From ${destination}; each is in the upload history as pruned.`,
      })
    else toast({ kind: 'error', title: 'Nothing was removed', message: result.error.message })
    onDone()
  }

  return (
    <>
      <button type="button" className="button" onClick={() => setConfirming(true)}>
        Prune now…
      </button>
      {confirming && (
        <ConfirmDialog
          title={`Remove ${backups} from ${destination}?`}
          confirmLabel={`Remove ${backups}`}
          danger
          busy={busy}
          onConfirm={() => void prune()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            These are deleted from {preview.folder} now, by the saved policy. This cannot be undone.
            The newest verified backup, and every file that is not a backup, stay.
          </p>
          <PreviewList label="To be removed" items={preview.remove} tone="remove" />
        </ConfirmDialog>
      )}
    </>
  )
}
