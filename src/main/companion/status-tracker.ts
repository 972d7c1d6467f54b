import type { StatusView } from '../../shared/ipc-contract.ts'
import { connectionProblem } from '../../shared/connection-status.ts'
import type { ErrorPayload } from '../../shared/error-codes.ts'
import type { Connection } from '../../shared/settings-schema.ts'
import { ALL, type JobStore } from '../uploads/job-store.ts'
import type { Job } from '../uploads/job-types.ts'

export type WatchState = StatusView['watch']

/**
 * What the tray shows. A failure stays visible until the next success, as users of backup tools
 * ask: an error that clears itself is an error nobody saw.
 */
export class StatusTracker {
  private readonly store: JobStore
  private lastError: ErrorPayload | null = null
  /** The queue's database cannot be written (disk full …): shown for as long as that lasts. */
  private storageError: ErrorPayload | null = null
  private watch: WatchState = { folder: null, state: 'off', error: null }

  constructor(store: JobStore) {
    this.store = store
  }

  onJob(job: Job): void {
    if (job.state === 'done') this.lastError = null
    if (job.state === 'failed' && job.errorCode) {
      this.lastError = { code: job.errorCode, message: `${job.name}: ${job.errorMessage ?? ''}` }
    }
  }

  onStorage(failure: ErrorPayload | null): void {
    this.storageError = failure
  }

  onWatch(watch: WatchState): void {
    this.watch = watch
  }

  /** `connections`: one that must be reconnected is a problem too, shown until it is. */
  view(active: number, connections: readonly Connection[] = []): StatusView {
    const paused = this.store.pausedScopes()
    const problem =
      this.storageError ?? this.lastError ?? this.watch.error ?? connectionError(connections)
    const tray = paused.includes(ALL)
      ? 'paused'
      : problem
        ? 'error'
        : active > 0
          ? 'uploading'
          : 'idle'
    return { paused, counts: this.store.counts(), watch: this.watch, tray, lastError: problem }
  }
}

/** The first connection waiting for a reconnect, as the error its status stands for. */
function connectionError(connections: readonly Connection[]): ErrorPayload | null {
  for (const { status, account } of connections) {
    const problem = connectionProblem(status)
    if (problem && status !== 'connected')
      return { code: status, message: `${account.name}: ${problem}` }
  }
  return null
}
