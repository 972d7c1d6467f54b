import { AppError } from '../../../shared/app-error.ts'
import { fullJitter, type Random } from '../../net/jitter.ts'

export type Sleep = (ms: number) => Promise<void>

/**
 * Longer waits are handed back to the queue (rate_limited, carrying the wait) instead of holding
 * the upload: the queue keeps the job that long, and says so in status and history.
 */
export const MAX_WAIT_MS = 5 * 60 * 1000
/** Tries of one step that Dropbox answers with a retryable 409 (too_many_write_operations …). */
export const STEP_ATTEMPTS = 5

/** A sleep that stops at once when the upload is aborted, and refuses very long waits. */
export function abortableWait(sleep: Sleep, signal: AbortSignal): Sleep {
  return async (ms) => {
    signal.throwIfAborted()
    if (ms > MAX_WAIT_MS) {
      throw new AppError('rate_limited', `Dropbox asked to wait ${Math.ceil(ms / 1000)} s.`, {
        retryAfterMs: ms,
      })
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      sleep(ms)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort))
    })
  }
}

/** Exponential backoff with full jitter, for 409s that carry no retry_after. */
export function backoffMs(attempt: number, random: Random = Math.random): number {
  return fullJitter(Math.min(30_000, 1000 * 2 ** attempt), random)
}
