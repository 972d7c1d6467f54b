import type { ErrorCode } from '../../shared/error-codes.ts'

export const JOB_STATES = [
  'queued',
  'uploading',
  'verifying',
  'done',
  'failed',
  'cancelled',
] as const
export type JobState = (typeof JOB_STATES)[number]
export const FINISHED: readonly JobState[] = ['done', 'failed', 'cancelled']

export { LOCAL_DESTINATION_ID } from '../../shared/provider-settings.ts'

/** One file version bound for one destination, from queued to done, failed or cancelled. */
export interface Job {
  id: number
  path: string
  name: string
  size: number
  mtimeMs: number
  connectionId: string
  remoteFolder: string
  state: JobState
  origin: 'watch' | 'manual'
  attempts: number
  /** Epoch ms before which the job is not started again (backoff, or waiting for a file to settle). */
  notBefore: number
  /** The provider's resume state for an interrupted upload, opaque to the queue. */
  resume: unknown
  bytesDone: number
  remotePath: string | null
  /** The checksum the destination reported (see checksumAlgorithm). */
  contentHash: string | null
  checksumAlgorithm: string | null
  /** How the provider verified the copy, for the history. */
  verifiedBy: string | null
  renamed: boolean
  errorCode: ErrorCode | null
  errorMessage: string | null
  queuedAt: number
  startedAt: number | null
  finishedAt: number | null
  bytesPerSecond: number | null
  /** Bumped by every state transition; a transition applies only to the version it was based on. */
  version: number
  /** The job for the newer version of the file that replaced this one (then `cancelled`). */
  supersededBy: number | null
  /** When retention deleted this upload's remote copy, and the policy that let it go. */
  prunedAt: number | null
  prunedBy: string | null
}

export interface HistoryQuery {
  status?: JobState
  connectionId?: string
  /** Matches file name or remote path, case-insensitively. */
  text?: string
  limit?: number
  offset?: number
}
