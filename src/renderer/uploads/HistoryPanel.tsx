import { useEffect, useState } from 'react'
import type { JobState, JobView } from '../api-types.ts'
import { useCompanion } from '../companion-context.ts'
import { EmptyState } from '../components/EmptyState.tsx'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { destinationLabel, type Destination } from '../destinations.ts'
import { useHistory } from '../hooks/use-history.ts'
import { useToast } from '../toast-context.ts'
import { HistoryTable } from './HistoryTable.tsx'
import { HistoryToolbar } from './HistoryToolbar.tsx'
import { JobDetails } from './JobDetails.tsx'
import { RemovedByRetention } from './RemovedByRetention.tsx'

const SEARCH_DELAY_MS = 250

export interface HistoryPanelProps {
  destinations: Destination[]
  failedCount: number
  setupDone: boolean
}

export function HistoryPanel({ destinations, failedCount, setupDone }: HistoryPanelProps) {
  const api = useCompanion()
  const toast = useToast()
  const [text, setText] = useState('')
  const [query, setQuery] = useState('')
  const [status, setStatus] = useState<JobState | null>(null)
  const [selected, setSelected] = useState<{ index: number; id: number | null } | null>(null)
  const history = useHistory({ status, text: query })
  const filtered = status !== null || query !== ''
  const filterKey = `${status}\u0000${query}`

  useEffect(() => {
    const timer = setTimeout(() => setQuery(text.trim()), SEARCH_DELAY_MS)
    return () => clearTimeout(timer)
  }, [text])

  // A new filter is a new list: the old selection means nothing in it.
  useEffect(() => setSelected(null), [filterKey])

  const selectedIndex =
    selected === null
      ? null
      : selected.id !== null && history.rowAt(selected.index)?.id !== selected.id
        ? (history.indexOf(selected.id) ?? selected.index)
        : selected.index
  const selectedJob =
    selected === null
      ? undefined
      : ((selected.id !== null ? history.jobById(selected.id) : undefined) ??
        history.rowAt(selected.index))

  const retry = async (job: JobView) => {
    const result = await api['uploads.retry']({ jobId: job.id })
    if (result.ok) toast({ kind: 'success', title: `Trying ${job.name} again` })
    else
      toast({ kind: 'error', title: `Could not retry ${job.name}`, message: result.error.message })
  }
  const retryAll = async () => {
    const result = await api['uploads.retryAllFailed']()
    if (result.ok) {
      const n = result.value.length
      toast({
        kind: 'success',
        title: `Trying ${n} failed ${n === 1 ? 'upload' : 'uploads'} again`,
      })
    } else {
      toast({ kind: 'error', title: 'Could not retry', message: result.error.message })
    }
  }
  const cancel = async (job: JobView) => {
    const result = await api['uploads.cancel']({ jobId: job.id })
    if (!result.ok)
      toast({ kind: 'error', title: `Could not cancel ${job.name}`, message: result.error.message })
  }

  const clearFilters = () => {
    setText('')
    setQuery('')
    setStatus(null)
  }

  let body
  if (history.total === null) {
    body = history.error ? (
      <ErrorNote error={history.error} />
    ) : (
      <div className="grid grid-loading" aria-busy="true" aria-label="Loading upload history" />
    )
  } else if (history.total === 0 && filtered) {
    body = (
      <EmptyState
        icon="search"
        title="No uploads match"
        actions={
          <button type="button" className="button" onClick={clearFilters}>
            Show all uploads
          </button>
        }
      >
        Try another name, or show uploads of every status.
      </EmptyState>
    )
  } else if (history.total === 0) {
    body = (
      <EmptyState icon="upload" title="No backups uploaded yet">
        {setupDone
          ? 'Drop a backup file anywhere in this window, or wait for Fermentrack’s next backup: it is uploaded as soon as Fermentrack finishes writing it.'
          : 'Once storage and the backups folder are set up above, every new Fermentrack backup is uploaded by itself. You can also drop backup files anywhere in this window.'}
      </EmptyState>
    )
  } else {
    body = (
      <HistoryTable
        key={filterKey}
        history={history}
        total={history.total}
        selectedIndex={selectedIndex}
        destinations={destinations}
        onSelect={(index) => setSelected({ index, id: history.rowAt(index)?.id ?? null })}
        onClearSelection={() => setSelected(null)}
        onRetry={(job) => void retry(job)}
        onCancel={(job) => void cancel(job)}
      />
    )
  }

  return (
    <section className="history" aria-labelledby="history-heading">
      <div className="section-head">
        <h2 id="history-heading" className="section-title">
          History
          {history.total !== null && history.total > 0 && (
            <span className="count">{history.total.toLocaleString()}</span>
          )}
        </h2>
        <HistoryToolbar
          text={text}
          status={status}
          failedCount={failedCount}
          onText={setText}
          onStatus={setStatus}
          onRetryAll={() => void retryAll()}
        />
      </div>
      {history.total !== null && history.error && <ErrorNote error={history.error} />}
      <div className="history-frame">
        <div className="history-body">{body}</div>
        {selectedJob && (
          <JobDetails
            job={selectedJob}
            destination={destinationLabel(selectedJob.connectionId, destinations)}
            onRetry={() => void retry(selectedJob)}
            onCancel={() => void cancel(selectedJob)}
            onClose={() => setSelected(null)}
          />
        )}
      </div>
      <RemovedByRetention removals={history.removals} destinations={destinations} />
    </section>
  )
}
