import type { JobView } from '../api-types.ts'
import { ErrorNote } from '../components/ErrorNote.tsx'
import { Icon } from '../components/Icon.tsx'
import { formatBytes, formatSpeed } from '../format/format-bytes.ts'
import { formatFullTime } from '../format/format-time.ts'
import { JOB_STATUS, waitingNote } from './job-status.ts'

export interface JobDetailsProps {
  job: JobView
  destination: string
  onRetry: () => void
  onCancel: () => void
  onClose: () => void
}

/** Everything about the selected upload, including the full error and what to do about it. */
export function JobDetails({ job, destination, onRetry, onCancel, onClose }: JobDetailsProps) {
  const waiting = waitingNote(job)
  const facts: [string, string][] = [
    [
      'Status',
      waiting
        ? `Waiting: ${waiting}`
        : `${JOB_STATUS[job.state].label}${job.attempts > 1 ? ` after ${job.attempts} tries` : ''}`,
    ],
    ['Destination', destination],
    ['Size', formatBytes(job.size)],
    [
      'Found',
      `${formatFullTime(job.queuedAt)} (${job.origin === 'manual' ? 'dropped here' : 'watched folder'})`,
    ],
  ]
  if (job.finishedAt) facts.push(['Finished', formatFullTime(job.finishedAt)])
  if (job.bytesPerSecond) facts.push(['Speed', formatSpeed(job.bytesPerSecond)])
  if (job.remotePath)
    facts.push([
      'Saved as',
      `${job.remotePath}${job.renamed ? ' (renamed: the name was taken)' : ''}`,
    ])
  if (job.contentHash)
    facts.push([
      'Checksum',
      job.checksumAlgorithm ? `${job.checksumAlgorithm} ${job.contentHash}` : job.contentHash,
    ])
  if (job.verifiedBy) facts.push(['Verified by', job.verifiedBy])
  facts.push(['File on this computer', job.path])

  return (
    <section className="details" aria-label={`Details of ${job.name}`}>
      <div className="details-head">
        <h3 className="details-title" title={job.name}>
          {job.name}
        </h3>
        {job.state === 'failed' && (
          <button type="button" className="button button-primary button-small" onClick={onRetry}>
            <Icon name="retry" size={14} />
            Retry upload
          </button>
        )}
        {(job.state === 'queued' || job.state === 'uploading') && (
          <button type="button" className="button button-small" onClick={onCancel}>
            Cancel upload
          </button>
        )}
        <button type="button" className="icon-button" aria-label="Close details" onClick={onClose}>
          <Icon name="close" size={16} />
        </button>
      </div>
      <div className="details-body">
        {job.error && <ErrorNote error={job.error} />}
        <dl className="facts">
          {facts.map(([term, value]) => (
            <div key={term} className="fact">
              <dt>{term}</dt>
              <dd title={value}>{value}</dd>
            </div>
          ))}
        </dl>
      </div>
    </section>
  )
}
