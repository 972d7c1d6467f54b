import type { AppError } from '../../shared/app-error.ts'
import type { ErrorCode } from '../../shared/error-codes.ts'
import { askedWait, type Random } from '../net/jitter.ts'

/** What the queue does with a job whose attempt failed. */
export type FailureAction = 'retry' | 'wait_for_file' | 'pause_connection' | 'fail'

/** Tries per job before it fails for good; the user can still retry it. */
export const MAX_ATTEMPTS = 6

const ACTIONS: Partial<Record<ErrorCode, FailureAction>> = {
  file_changed: 'wait_for_file',
  archive_incomplete: 'wait_for_file',
  archive_truncated: 'fail',
  needs_reauth: 'pause_connection',
  missing_permission: 'pause_connection',
  insufficient_space: 'fail',
  file_missing: 'fail',
  permission_denied: 'fail',
  file_too_large: 'fail',
  not_a_file: 'fail',
  usage: 'fail',
}

/** Anything not known to be final is worth another try: networks and servers recover. */
export function failureAction(code: ErrorCode | undefined): FailureAction {
  return (code && ACTIONS[code]) ?? 'retry'
}

/** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 5 minutes, each 50–100 % of that. */
export function backoffMs(attempt: number, random: Random = Math.random): number {
  const ceiling = Math.min(5 * 60_000, 2000 * 2 ** Math.max(0, attempt - 1))
  return Math.round(ceiling * (0.5 + random() / 2))
}

/** What the provider asked for (Retry-After), and a little more, so installs don't return together. */
export function askedWaitMs(error: AppError, random: Random = Math.random): number {
  return askedWait(error.retryAfterMs ?? 0, random)
}
