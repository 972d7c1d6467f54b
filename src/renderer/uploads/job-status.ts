import { waitingText } from '../../shared/slow-down.ts'
import type { JobState, JobView } from '../api-types.ts'
import type { IconName } from '../components/Icon.tsx'

/** How each job state reads in the window. */
export const JOB_STATUS: Record<JobState, { label: string; icon: IconName }> = {
  queued: { label: 'Waiting', icon: 'clock' },
  uploading: { label: 'Uploading', icon: 'arrowUp' },
  verifying: { label: 'Checking', icon: 'arrowUp' },
  done: { label: 'Uploaded', icon: 'checkCircle' },
  failed: { label: 'Failed', icon: 'errorCircle' },
  cancelled: { label: 'Cancelled', icon: 'cancelled' },
}

/** The history's status filter, in the order a brewer looks for things. */
export const STATUS_FILTERS: { value: JobState | ''; label: string }[] = [
  { value: '', label: 'All uploads' },
  { value: 'done', label: 'Uploaded' },
  { value: 'failed', label: 'Failed' },
  { value: 'queued', label: 'Waiting' },
  { value: 'uploading', label: 'Uploading' },
  { value: 'cancelled', label: 'Cancelled' },
]

/** "waiting until 14:05 (the provider asked us to slow down)" while the destination throttles us. */
export function waitingNote(job: JobView): string | undefined {
  return job.waiting && job.state === 'queued' ? waitingText(job.waiting) : undefined
}
