import type { JobView, RemovalView } from '../../shared/ipc-contract.ts'
import type { SlowDown } from '../../shared/slow-down.ts'
import type { Job } from '../uploads/job-types.ts'
import { removalText, type Removal } from '../uploads/removals.ts'

/**
 * A job as the window sees it: no resume state, the error as code and message, and `waiting`
 * while its destination has asked us to slow down.
 */
export function toJobView(job: Job, waiting?: SlowDown): JobView {
  return {
    id: job.id,
    path: job.path,
    name: job.name,
    size: job.size,
    connectionId: job.connectionId,
    state: job.state,
    origin: job.origin,
    attempts: job.attempts,
    bytesDone: job.bytesDone,
    remotePath: job.remotePath,
    contentHash: job.contentHash,
    checksumAlgorithm: job.checksumAlgorithm,
    verifiedBy: job.verifiedBy,
    renamed: job.renamed,
    error:
      job.errorCode && job.state !== 'done'
        ? { code: job.errorCode, message: job.errorMessage ?? '' }
        : null,
    queuedAt: job.queuedAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
    bytesPerSecond: job.bytesPerSecond,
    prunedAt: job.prunedAt,
    prunedBy: job.prunedBy,
    ...(waiting ? { waiting } : {}),
  }
}

/** A deletion of a file this app did not upload, as the history lists it. */
export function toRemovalView(removal: Removal): RemovalView {
  const { id, connectionId, name, path, rule, removedAt } = removal
  return { id, connectionId, name, path, rule, text: removalText(removal), removedAt }
}
