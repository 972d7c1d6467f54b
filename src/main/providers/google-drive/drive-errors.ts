import { AppError } from '../../../shared/app-error.ts'
import { retryAfterMs } from '../../net/retry-after.ts'

/** What Drive said when it refused: the HTTP status and the first error's reason. */
export interface DriveFailure {
  status: number
  reason: string
  message: string
  retryAfterMs: number | undefined
}

/** Drive's error body is `{error: {code, message, errors: [{reason, message}]}}`. */
export async function readFailure(response: Response): Promise<DriveFailure> {
  const text = await response.text().catch(() => '')
  let reason = ''
  let message = text.slice(0, 200)
  try {
    const error = (
      JSON.parse(text) as { error?: { message?: string; errors?: Array<{ reason?: string }> } }
    ).error
    reason = error?.errors?.[0]?.reason ?? ''
    message = error?.message ?? message
  } catch {
    // Not JSON (a proxy's page): the status says enough.
  }
  return {
    status: response.status,
    reason,
    message,
    retryAfterMs: retryAfterMs(response.headers, text),
  }
}

/** Reasons Drive gives with 403 (and 429) that mean "slow down", not "forbidden". */
export function isRateLimit(failure: DriveFailure): boolean {
  return (
    failure.status === 429 ||
    (failure.status === 403 &&
      ['userRateLimitExceeded', 'rateLimitExceeded'].includes(failure.reason))
  )
}

/** The AppError for a refusal nothing here could recover from. */
export function failureToError(failure: DriveFailure, what: string): AppError {
  if (failure.reason === 'storageQuotaExceeded' || failure.reason === 'quotaExceeded')
    return new AppError('insufficient_space', 'Your Google Drive is full.')
  if (isRateLimit(failure))
    return new AppError(
      'rate_limited',
      `Google Drive asked us to slow down (${failure.reason || failure.status}).`,
      {
        retryAfterMs: failure.retryAfterMs,
      },
    )
  if (failure.status === 404)
    return new AppError('remote_not_found', `Google Drive has no ${what}.`)
  return new AppError(
    'provider_error',
    `Google Drive answered ${failure.status}${failure.reason ? ` (${failure.reason})` : ''} to ${what}: ${failure.message.slice(0, 200)}`,
  )
}
